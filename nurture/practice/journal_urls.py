"""The parent's practice log (with each session's cue events) and the one-tap diary."""

from django.urls import path

from nurture.practice import journal_views

app_name = "journal"
urlpatterns = [
    path("practice/<uuid:baby_id>/log/", journal_views.log, name="log"),
    path("practice/<uuid:baby_id>/log/<uuid:session_id>/", journal_views.session, name="session"),
    path("diary/<uuid:baby_id>/", journal_views.diary, name="diary"),
]
