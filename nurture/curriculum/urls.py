from django.urls import path

from nurture.curriculum import views

app_name = "curriculum"
urlpatterns = [
    path("", views.my_strokes, name="my_strokes"),
]
