"""Write operations of evaluation (stage 2), lead assignment (3) and validation (4).

By topic: `panels` (panels, rubric, reviewers), `conflicts` (conflicts of
interest), `reviews` (scores), `decision` (the lead, exactly once) and
`validation` (milestones and sign-off). Services take keyword-only, typed
arguments, run in a transaction, check their rule again (views check first
and answer 404), and raise `django.core.exceptions.ValidationError` with a
translated message when something is not allowed; then nothing is changed.
State changes go through the transition engine (`challenges.lifecycle`,
`evaluation.lifecycle`); every step is written to `EvaluationEvent`.
"""

from .conflicts import conflict_declare, conflicts_detect, conflicts_detect_for_reviewer
from .decision import decision_create
from .desk import allocation_confirm, panel_quorum_set
from .panels import (
    panel_create,
    reviewer_assign,
    reviewer_invitation_accept,
    reviewer_invitations_accept_for,
    reviewer_invite,
    reviewer_nominate,
    reviewer_remove,
    rubric_save,
)
from .reviews import review_save
from .rubric_translations import rubric_translation_languages, rubric_translation_save
from .validation import (
    KPIValue,
    KPIVerdict,
    kpi_results_decide,
    kpi_results_report,
    milestone_decide,
    milestone_report,
    validation_fail,
    validation_sign_off,
    validation_start,
)

__all__ = [
    "allocation_confirm",
    "KPIValue",
    "KPIVerdict",
    "kpi_results_decide",
    "kpi_results_report",
    "conflict_declare",
    "conflicts_detect",
    "conflicts_detect_for_reviewer",
    "decision_create",
    "milestone_decide",
    "milestone_report",
    "panel_create",
    "panel_quorum_set",
    "review_save",
    "reviewer_assign",
    "reviewer_invitation_accept",
    "reviewer_invitations_accept_for",
    "reviewer_invite",
    "reviewer_nominate",
    "reviewer_remove",
    "rubric_save",
    "rubric_translation_languages",
    "rubric_translation_save",
    "validation_fail",
    "validation_sign_off",
    "validation_start",
]
