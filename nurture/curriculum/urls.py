from django.urls import path

from nurture.curriculum import views

app_name = "curriculum"
urlpatterns = [
    path("", views.my_strokes, name="my_strokes"),
    path("week/<int:week>/", views.week_guide, name="week"),
    path("week/<int:week>/handout.pdf", views.handout, name="handout"),
]
