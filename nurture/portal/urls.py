from django.urls import path

from nurture.portal import views

app_name = "portal"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
]
