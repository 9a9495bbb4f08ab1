"""The parent's guided practice pages: the readiness check, the guided session and what the
baby's history shows (insights)."""

from django.urls import path

from nurture.practice import insights_views, views

app_name = "practice"
urlpatterns = [
    path("<uuid:baby_id>/check/", views.check, name="check"),
    path("<uuid:baby_id>/session/", views.guided, name="guided"),
    path("<uuid:baby_id>/insights/", insights_views.baby_insights, name="insights"),
]
