"""The parent's insights page, beside the baby's practice log (mounted at the site root)."""

from django.urls import path

from nurture.insights import parent_views

app_name = "insights"
urlpatterns = [
    path("practice/<uuid:baby_id>/insights/", parent_views.baby_insights, name="baby"),
]
