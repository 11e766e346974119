from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from evaluation.admin import review_site

from . import security, statistics, views

admin.site.site_header = _("ASEAN–Guangxi AI Portal · Programme office")
admin.site.site_title = _("Programme office")
admin.site.index_title = _("Administration")
# Signing in to the admin goes through the portal's own sign-in page (throttling,
# second factor), never through Django's password-only admin form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report/", security.csp_report, name="csp_report"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("operator/", statistics.operator_dashboard, name="operator_dashboard"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("review/", review_site.urls),
    path("", include("entities.urls")),
    path("", include("challenges.urls")),
    path("", include("notifications.urls")),
    path("", include("evaluation.urls")),
]
