from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from api.v1 import api as api_v1
from evaluation.admin import review_site

from . import audit, privacy, security, statistics, views

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
    path("operator/audit/", audit.audit_trail, name="audit_trail"),
    path("operator/audit/export.csv", audit.audit_export, name="audit_export"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/privacy/", privacy.account_privacy, name="account_privacy"),
    path("accounts/privacy/my-data.zip", privacy.data_download, name="data_download"),
    path("accounts/delete/", privacy.account_delete, name="account_delete"),
    path("privacy/", privacy.privacy_notice, name="privacy_notice"),
    path("privacy/accept/", privacy.privacy_accept, name="privacy_accept"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("", include("api.urls")),
    path("review/", review_site.urls),
    path("", include("entities.urls")),
    path("", include("challenges.urls")),
    path("", include("notifications.urls")),
    path("", include("evaluation.urls")),
]
