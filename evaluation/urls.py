from django.urls import path

from .views import (
    appeals,
    decision,
    desk,
    exports,
    invitations,
    kpis,
    nomination,
    panels,
    results,
    rubric_translations,
    validation,
)

app_name = "evaluation"

urlpatterns = [
    # the programme office
    path("operator/evaluation/", panels.operator_index, name="operator_index"),
    path("operator/evaluation/<int:pk>/", panels.operator_challenge, name="operator_challenge"),
    path("operator/evaluation/<int:pk>/panel/", panels.panel_create, name="panel_create"),
    path(
        "operator/evaluation/<int:pk>/reviewers/assign/",
        panels.reviewer_assign,
        name="reviewer_assign",
    ),
    path(
        "operator/evaluation/<int:pk>/reviewers/invite/",
        panels.reviewer_invite,
        name="reviewer_invite",
    ),
    path(
        "operator/evaluation/<int:pk>/reviewers/<int:assignment_pk>/remove/",
        panels.reviewer_remove,
        name="reviewer_remove",
    ),
    path("operator/evaluation/<int:pk>/rubric/", panels.rubric_edit, name="rubric"),
    path("operator/evaluation/<int:pk>/quorum/", desk.panel_quorum, name="panel_quorum"),
    path("operator/evaluation/<int:pk>/allocation/", desk.allocation, name="allocation"),
    path("operator/evaluation/<int:pk>/deadline/", desk.deadline, name="deadline"),
    path(
        "operator/evaluation/<int:pk>/rubric/translations/",
        rubric_translations.rubric_translations,
        name="rubric_translations",
    ),
    path(
        "operator/evaluation/<int:pk>/ranking.<str:fmt>",
        decision.ranking_export,
        name="ranking_export",
    ),
    path("operator/evaluation/<int:pk>/decide/", decision.decide, name="decide"),
    # appeals against the decision (the bidder files, the programme office answers)
    path("bids/<int:pk>/appeal/", appeals.appeal, name="appeal"),
    path(
        "operator/evaluation/<int:pk>/decision/reopen/",
        appeals.reopen_decision,
        name="reopen_decision",
    ),
    # the demand entity
    path("challenges/<int:pk>/reviewer-nomination/", nomination.nominate, name="nominate"),
    # stage 4: validation
    path("validation/<int:pk>/", validation.validation, name="validation"),
    path("validation/<int:pk>/start/", validation.validation_start, name="validation_start"),
    path("validation/<int:pk>/sign-off/", validation.sign_off, name="sign_off"),
    path(
        "validation/milestones/<int:pk>/report/",
        validation.milestone_report,
        name="milestone_report",
    ),
    path(
        "validation/milestones/<int:pk>/decide/",
        validation.milestone_decide,
        name="milestone_decide",
    ),
    path("validation/evidence/<int:pk>/", validation.evidence_download, name="evidence"),
    path("validation/<int:pk>/kpis/report/", kpis.kpi_report, name="kpi_report"),
    path("validation/<int:pk>/kpis/confirm/", kpis.kpi_confirm, name="kpi_confirm"),
    # the public results
    path("results/", results.results, name="results"),
    # reviewers without an account
    path("review-invitations/<str:token>/", invitations.invitation, name="invitation"),
]

urlpatterns += [
    path("operator/exports/reviews.<str:fmt>", exports.reviews_export, name="reviews_export"),
]
