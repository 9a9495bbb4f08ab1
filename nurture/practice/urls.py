"""The parent's guided practice pages: the readiness check and the guided session."""

from django.urls import path

from nurture.practice import views

app_name = "practice"
urlpatterns = [
    path("<uuid:baby_id>/check/", views.check, name="check"),
    path("<uuid:baby_id>/session/", views.guided, name="guided"),
]
