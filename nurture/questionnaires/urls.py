"""URLs for answering questionnaires: a parent's own, and a facilitator's in class."""

from django.urls import path

from nurture.questionnaires import class_views as class_views
from nurture.questionnaires import views as views

app_name = "questionnaires"
urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("start/<slug:key>/<slug:point>/", views.start, name="start"),
    path("answer/<uuid:response_id>/", views.resume, name="resume"),
    path("answer/<uuid:response_id>/<int:number>/", views.question, name="question"),
    path("answer/<uuid:response_id>/check/", views.check, name="check"),
    path("done/<uuid:response_id>/", views.thanks, name="thanks"),
    path("with/<uuid:carer_id>/", class_views.with_carer, name="with_carer"),
    path(
        "with/<uuid:carer_id>/<slug:key>/<slug:point>/",
        class_views.start_with,
        name="start_with",
    ),
]
