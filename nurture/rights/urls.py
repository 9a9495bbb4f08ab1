from django.urls import path

from nurture.rights import views

app_name = "rights"

urlpatterns = [
    path("<uuid:family_id>/export/", views.family_export_page, name="family_export"),
    path("<uuid:family_id>/export.json", views.family_export_json, name="family_export_json"),
    path("<uuid:family_id>/export.pdf", views.family_export_pdf, name="family_export_pdf"),
    path("<uuid:family_id>/erase/", views.family_erase_page, name="family_erase"),
]
