from django.contrib import admin
from django.urls import include, path, re_path

from nurture.api import api as api_views
from nurture.api.api import api
from nurture.portal import views as portal_views

admin.site.site_header = "Nurture administration"
admin.site.site_title = "Nurture admin"
# The admin signs in through the same login as everyone else (its waits after wrong
# passwords, and two-step verification), never its own unguarded form.
admin.site.login = portal_views.admin_login  # type: ignore[method-assign]

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("healthz", portal_views.healthz, name="healthz"),
    # Login email addresses are kept by staff in the admin (audited), not self-managed.
    path("accounts/email/", portal_views.not_available, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("", include("nurture.portal.urls")),
    path("families/", include("nurture.families.urls")),
    path("families/", include("nurture.rights.urls")),
    path("referrals/", include("nurture.referrals.urls")),
    path("courses/", include("nurture.courses.urls")),
    path("my-course/", include("nurture.courses.family_urls")),
    path("strokes/", include("nurture.curriculum.urls")),
    path("practice/", include("nurture.practice.urls")),
    path("", include("nurture.practice.journal_urls")),
    path("questionnaires/", include("nurture.questionnaires.urls")),
    path("alerts/", include("nurture.safeguarding.alert_urls")),
    path("", include("nurture.safeguarding.clinical_urls")),
    path("", include("nurture.notify.urls")),
    path("reports/", include("nurture.reports.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_views.not_found),
    path("admin/", admin.site.urls),
]
