from django.urls import path

from nurture.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("waiting-list/", views.waiting_list, name="waiting_list"),
    path("to-do/", views.working_list, name="working_list"),
    path("new/<uuid:baby_id>/", views.referral_create, name="create"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/edit/", views.referral_edit, name="edit"),
    path("<uuid:referral_id>/withdraw/", views.referral_withdraw, name="withdraw"),
    path("<uuid:referral_id>/reopen/", views.referral_reopen, name="reopen"),
    path("<uuid:referral_id>/override/", views.referral_override, name="override"),
]
