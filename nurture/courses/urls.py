from django.urls import path

from nurture.courses import views

app_name = "courses"
urlpatterns = [
    path("", views.run_list, name="list"),
    path("new/", views.run_create, name="create"),
    path("templates/new/", views.template_create, name="template_create"),
    path("<uuid:run_id>/", views.run_detail, name="detail"),
    path("<uuid:run_id>/edit/", views.run_edit, name="edit"),
    path("<uuid:run_id>/copy/", views.run_copy, name="copy"),
    path("<uuid:run_id>/close/", views.run_close, name="close"),
    path("<uuid:run_id>/offer-to-all/", views.offer_to_all, name="offer_to_all"),
    path("<uuid:run_id>/offer/", views.offer_place, name="offer_place"),
    path(
        "enrolments/<uuid:enrolment_id>/withdraw/",
        views.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path("sessions/<int:session_id>/move/", views.session_move, name="session_move"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/register/", views.register, name="register"),
    path(
        "sessions/<int:session_id>/register/reopen/",
        views.register_reopen,
        name="register_reopen",
    ),
]
