"""States of the evaluation and validation objects, and the default rubric (data only)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    INVITED = "invited", _("Invitation sent")
    ACTIVE = "active", _("Assigned")
    REMOVED = "removed", _("Removed")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class MilestoneState(models.TextChoices):
    PENDING = "pending", _("Waiting for the lead's report")
    REPORTED = "reported", _("Reported, waiting for the demand side")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected, to be reported again")


class KPIState(models.TextChoices):
    """Where the achieved value of one KPI stands (only confirmed values are published)."""

    PENDING = "pending", _("Not reported yet")
    REPORTED = "reported", _("Reported, waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed by the demand entity")
    RETURNED = "returned", _("Sent back to the lead")


class AppealState(models.TextChoices):
    FILED = "filed", _("Filed, awaiting the programme office")
    UPHELD = "upheld", _("Upheld: the programme office will decide again")
    REJECTED = "rejected", _("Rejected")
    RESOLVED = "resolved", _("Upheld: the decision was reopened")


# Appeals that hold the validation back until the programme office decides again.
BLOCKING_APPEAL_STATES = (AppealState.FILED, AppealState.UPHELD)


class EntryKind(models.TextChoices):
    """What happened to a milestone (one row each in its history)."""

    REPORT = "report", _("Progress reported")
    ACCEPT = "accept", _("Accepted")
    REJECT = "reject", _("Rejected")


# The milestone's transitions are rows of `evaluation.lifecycle.MILESTONE`.
ACTION_TO_KIND = {
    "report": EntryKind.REPORT,
    "accept": EntryKind.ACCEPT,
    "reject": EntryKind.REJECT,
}


class EventAction(models.TextChoices):
    """Entries of the evaluation history (EvaluationEvent.action)."""

    PANEL_CREATED = "panel_created", _("Panel set up")
    RUBRIC_CHANGED = "rubric_changed", _("Rubric changed")
    QUORUM_CHANGED = "quorum_changed", _("Review quorum changed")
    ALLOCATION_CONFIRMED = "allocation_confirmed", _("Reviewer allocation confirmed")
    REVIEWER_ASSIGNED = "reviewer_assigned", _("Reviewer assigned")
    REVIEWER_INVITED = "reviewer_invited", _("Reviewer invited")
    REVIEWER_NOMINATED = "reviewer_nominated", _("Reviewer nominated by the demand entity")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    REVIEWER_REMOVED = "reviewer_removed", _("Reviewer removed")
    CONFLICT_DECLARED = "conflict_declared", _("Conflict of interest declared")
    NO_CONFLICT_DECLARED = "no_conflict_declared", _("No conflict of interest declared")
    CONFLICT_AUTOMATIC = "conflict_automatic", _("Conflict of interest found automatically")
    REVIEW_SUBMITTED = "review_submitted", _("Review submitted")
    LEAD_SELECTED = "lead_selected", _("Lead selected")
    QUORUM_OVERRIDDEN = "quorum_overridden", _("Lead selected below the review quorum")
    APPEAL_FILED = "appeal_filed", _("Appeal filed")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")
    APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected")
    APPEAL_RESOLVED = "appeal_resolved", _("Upheld appeal resolved by reopening the decision")
    DECISION_REOPENED = "decision_reopened", _("Lead decision reopened")
    VALIDATION_STARTED = "validation_started", _("Validation started")
    MILESTONE_REPORTED = "milestone_reported", _("Milestone reported")
    MILESTONE_ACCEPTED = "milestone_accepted", _("Milestone accepted")
    MILESTONE_REJECTED = "milestone_rejected", _("Milestone rejected")
    VALIDATED = "validated", _("Validation signed off")
    VALIDATION_FAILED = "validation_failed", _("Validation failed")
    KPI_REPORTED = "kpi_reported", _("Achieved KPI value reported")
    KPI_CONFIRMED = "kpi_confirmed", _("Achieved KPI value confirmed")
    KPI_RETURNED = "kpi_returned", _("Achieved KPI value sent back")


# Submitted reviews each bid needs before the lead may be selected (a panel may change it).
DEFAULT_MIN_REVIEWS = 3

# The default rubric (issue 6): name, guidance, weight; every criterion is scored 0–10.
DEFAULT_MAX_SCORE = 10
DEFAULT_RUBRIC: tuple[tuple[object, object, int], ...] = (
    (
        _("Technical solution"),
        _(
            "Is the approach sound, state of the art and specific to this problem? Are the "
            "risks understood and is there a credible plan B?"
        ),
        30,
    ),
    (
        _("Team and capability"),
        _(
            "Do the lead researcher, team and partners have the track record, facilities "
            "and time to deliver?"
        ),
        20,
    ),
    (
        _("Feasibility and milestones"),
        _(
            "Are the milestones concrete, checkable by the demand side and realistic for "
            "the budget and duration?"
        ),
        20,
    ),
    (
        _("Fit with the demand scenario and data"),
        _(
            "Does the solution use the scenario, local data and environment the challenge "
            "offers, and respect the data access terms?"
        ),
        20,
    ),
    (
        _("Cooperation and sustainability"),
        _(
            "Do the cooperation modes build lasting capacity on the demand side (training, "
            "transfer, licensing) beyond the project?"
        ),
        10,
    ),
)
