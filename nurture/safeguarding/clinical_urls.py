"""Staff pages of a family's clinical record: scores, responses and safeguarding concerns."""

from django.urls import path

from nurture.safeguarding import clinical_views as views

app_name = "clinical"
urlpatterns = [
    path("families/<uuid:family_id>/outcomes/", views.outcomes, name="outcomes"),
    path(
        "families/<uuid:family_id>/outcomes/<uuid:response_id>/",
        views.response,
        name="response",
    ),
    path("families/<uuid:family_id>/concerns/", views.concern_list, name="concerns"),
    path("families/<uuid:family_id>/concerns/new/", views.concern_new, name="concern_new"),
    path(
        "families/<uuid:family_id>/concerns/<uuid:concern_id>/",
        views.concern,
        name="concern",
    ),
]
