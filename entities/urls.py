from django.urls import path

from . import views

app_name = "entities"

urlpatterns = [
    path("organizations/new/", views.organization_create, name="create"),
    path("organizations/switch/", views.switch, name="switch"),
    path("organizations/<int:pk>/", views.organization_detail, name="detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="edit"),
    path(
        "organizations/<int:pk>/verification/",
        views.organization_request_verification,
        name="request_verification",
    ),
    path("organizations/<int:pk>/members/", views.members, name="members"),
    path(
        "organizations/<int:pk>/members/<int:member_pk>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "organizations/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "organizations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organizations/<int:pk>/capabilities/", views.capabilities, name="capabilities"),
    path("organizations/<int:pk>/eligibility/", views.eligibility, name="eligibility"),
    path(
        "organizations/<int:pk>/capabilities/<str:key>/",
        views.capability_edit,
        name="capability_edit",
    ),
    path(
        "organizations/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence",
    ),
    path(
        "organizations/<int:pk>/evidence/<int:evidence_pk>/delete/",
        views.evidence_delete,
        name="evidence_delete",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
