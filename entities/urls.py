from django.urls import path

from .views import capabilities, eligibility, members, organizations, profile_translations

app_name = "entities"

urlpatterns = [
    path("organizations/new/", organizations.organization_create, name="create"),
    path("organizations/switch/", organizations.switch, name="switch"),
    path("organizations/<int:pk>/", organizations.organization_detail, name="detail"),
    path("organizations/<int:pk>/edit/", organizations.organization_edit, name="edit"),
    path(
        "organizations/<int:pk>/profile/translations/",
        profile_translations.profile_translations,
        name="profile_translations",
    ),
    path(
        "organizations/<int:pk>/verification/",
        organizations.organization_request_verification,
        name="request_verification",
    ),
    path("organizations/<int:pk>/members/", members.members, name="members"),
    path(
        "organizations/<int:pk>/second-factor/",
        members.second_factor_policy,
        name="second_factor_policy",
    ),
    path(
        "organizations/<int:pk>/members/<int:member_pk>/role/",
        members.member_role,
        name="member_role",
    ),
    path(
        "organizations/<int:pk>/members/<int:member_pk>/remove/",
        members.member_remove,
        name="member_remove",
    ),
    path(
        "organizations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        members.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organizations/<int:pk>/capabilities/", capabilities.capabilities, name="capabilities"),
    path("organizations/<int:pk>/eligibility/", eligibility.eligibility, name="eligibility"),
    path(
        "organizations/<int:pk>/capabilities/<str:key>/",
        capabilities.capability_edit,
        name="capability_edit",
    ),
    path(
        "organizations/<int:pk>/evidence/<int:evidence_pk>/",
        capabilities.evidence_download,
        name="evidence",
    ),
    path(
        "organizations/<int:pk>/evidence/<int:evidence_pk>/delete/",
        capabilities.evidence_delete,
        name="evidence_delete",
    ),
    path("invitations/<str:token>/", members.invitation, name="invitation"),
]
