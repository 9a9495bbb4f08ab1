from django.urls import path

from nurture.notify import views

app_name = "notify"
urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/enrolments/<uuid:enrolment_id>/", views.calendar_link, name="calendar_link"),
    path(
        "calendar/enrolments/<uuid:enrolment_id>/revoke/",
        views.calendar_link_revoke,
        name="calendar_link_revoke",
    ),
    path("messages/family/<uuid:family_id>/", views.family_messages, name="family_messages"),
    path("messages/run/<uuid:run_id>/", views.run_messages, name="run_messages"),
    path("messages/<uuid:message_id>/send-again/", views.send_again, name="send_again"),
    path("reminders/practice/", views.practice_reminders, name="practice_reminders"),
]
