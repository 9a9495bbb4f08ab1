from django.urls import path

from nurture.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("report.pdf", views.report_pdf, name="pdf"),
    path("<slug:section>/<slug:table>.csv", views.table_csv, name="csv"),
]
