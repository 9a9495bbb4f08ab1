from django.urls import path

from nurture.courses import family_views

app_name = "my_course"
urlpatterns = [
    path("", family_views.my_course, name="home"),
    path("calendar.ics", family_views.calendar_file, name="calendar"),
    path("offers/<uuid:offer_id>/accept/", family_views.accept, name="accept"),
    path("offers/<uuid:offer_id>/decline/", family_views.decline, name="decline"),
]
