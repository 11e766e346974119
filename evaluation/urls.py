from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    # the programme office
    path("operator/evaluation/", views.operator_index, name="operator_index"),
    path("operator/evaluation/<int:pk>/", views.operator_challenge, name="operator_challenge"),
    path("operator/evaluation/<int:pk>/panel/", views.panel_create, name="panel_create"),
    path(
        "operator/evaluation/<int:pk>/reviewers/assign/",
        views.reviewer_assign,
        name="reviewer_assign",
    ),
    path(
        "operator/evaluation/<int:pk>/reviewers/invite/",
        views.reviewer_invite,
        name="reviewer_invite",
    ),
    path(
        "operator/evaluation/<int:pk>/reviewers/<int:assignment_pk>/remove/",
        views.reviewer_remove,
        name="reviewer_remove",
    ),
    path("operator/evaluation/<int:pk>/rubric/", views.rubric_edit, name="rubric"),
    path(
        "operator/evaluation/<int:pk>/ranking.<str:fmt>",
        views.ranking_export,
        name="ranking_export",
    ),
    path("operator/evaluation/<int:pk>/decide/", views.decide, name="decide"),
    # the demand entity
    path("challenges/<int:pk>/reviewer-nomination/", views.nominate, name="nominate"),
    # stage 4: validation
    path("validation/<int:pk>/", views.validation, name="validation"),
    path("validation/<int:pk>/start/", views.validation_start, name="validation_start"),
    path("validation/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("validation/milestones/<int:pk>/report/", views.milestone_report, name="milestone_report"),
    path("validation/milestones/<int:pk>/decide/", views.milestone_decide, name="milestone_decide"),
    path("validation/evidence/<int:pk>/", views.evidence_download, name="evidence"),
    # reviewers without an account
    path("review-invitations/<str:token>/", views.invitation, name="invitation"),
]
