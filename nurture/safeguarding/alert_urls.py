"""URLs: the safety alert pages for staff (mounted at /alerts/)."""

from django.urls import URLPattern, path

from nurture.safeguarding import alert_views

app_name = "alerts"
urlpatterns: list[URLPattern] = [
    path("", alert_views.alert_list, name="list"),
    path("<uuid:alert_id>/", alert_views.alert_detail, name="detail"),
    path("<uuid:alert_id>/acknowledge/", alert_views.acknowledge, name="acknowledge"),
    path("<uuid:alert_id>/close/", alert_views.close, name="close"),
]
