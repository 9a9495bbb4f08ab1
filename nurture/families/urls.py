from django.urls import path

from nurture.families import views

app_name = "families"
urlpatterns = [
    path("", views.family_list, name="list"),
    path("new/", views.family_create, name="create"),
    path("<uuid:family_id>/", views.family_detail, name="detail"),
    path("<uuid:family_id>/edit/", views.family_edit, name="edit"),
    path("<uuid:family_id>/carers/new/", views.carer_add, name="carer_add"),
    path("<uuid:family_id>/babies/new/", views.baby_add, name="baby_add"),
    path("carers/<uuid:carer_id>/edit/", views.carer_edit, name="carer_edit"),
    path("babies/<uuid:baby_id>/edit/", views.baby_edit, name="baby_edit"),
]
