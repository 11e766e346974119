"""Notification events of evaluation, the decision and validation (registered at start-up)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from challenges.events import DECISION
from notifications.events import Audience, Event, register_category

REVIEW = register_category("review", _("Reviews"), 50).key
VALIDATION = register_category("validation", _("Milestones and validation"), 70).key

EVENTS: list[Event] = [
    Event(
        key="review.assigned",
        category=REVIEW,
        audience=Audience.REVIEWERS,
        label=_("You are asked to review the bids of a challenge"),
        subject=_("Review assignment: %(challenge)s"),
        body=_(
            "You are asked to review the bids for “%(challenge)s”. First declare any "
            "conflict of interest, then score the bids in the review panel."
        ),
        action=_("Open the review panel"),
    ),
    Event(
        key="review.invitation",
        category=REVIEW,
        mandatory=True,
        label=_("You are invited to join a review panel"),
        subject=_("Invitation to review the bids for “%(challenge)s”"),
        body=_(
            "%(invited_by)s of the programme office invites you to review the bids for "
            "the challenge “%(challenge)s” posted by %(organization)s.\n\n"
            "Open the link to accept. If you have no account yet, create one with this "
            "e-mail address: it gives you access to the review panel only."
        ),
        action=_("Answer the invitation"),
    ),
    Event(
        key="review.unassigned",
        category=REVIEW,
        audience=Audience.REVIEWERS,
        label=_("You are taken off a review panel"),
        subject=_("Review assignment ended: %(challenge)s"),
        body=_(
            "The programme office has taken you off the review panel of “%(challenge)s”. "
            "You no longer need to review its bids."
        ),
        action=_("Open the review panel"),
    ),
    Event(
        key="review.nominated",
        category=REVIEW,
        audience=Audience.OPERATORS,
        label=_("The demand entity nominates a reviewer"),
        subject=_("Reviewer nominated for “%(challenge)s”"),
        body=_(
            "%(organization)s nominated %(reviewer)s as a reviewer of the bids for "
            "“%(challenge)s”. The nominee is on the panel now; remove them from the "
            "panel page if the nomination is not suitable."
        ),
        action=_("Open the panel"),
    ),
    Event(
        key="review.conflict_declared",
        category=REVIEW,
        audience=Audience.OPERATORS,
        label=_("A reviewer declares a conflict of interest"),
        subject=_("Conflict of interest declared: %(challenge)s"),
        body=_(
            "%(reviewer)s declared a conflict of interest for bid %(bid)s of "
            "“%(challenge)s” and will not review it. Check that the bid still has "
            "enough reviewers."
        ),
        action=_("Open the panel"),
    ),
    Event(
        key="review.submitted",
        category=REVIEW,
        audience=Audience.OPERATORS,
        label=_("A reviewer submits a review"),
        subject=_("Review submitted: %(challenge)s"),
        body=_("%(reviewer)s submitted a review for “%(challenge)s”."),
        action=_("Open the ranking"),
    ),
    Event(
        key="decision.selected",
        category=DECISION,
        mandatory=True,
        label=_("Your bid is selected"),
        subject=_("Your bid is selected: %(challenge)s"),
        body=_(
            "Congratulations: the programme office selected your bid to lead "
            "“%(challenge)s”. The reviewers' feedback follows."
        ),
        action=_("View the decision"),
    ),
    Event(
        key="decision.not_selected",
        category=DECISION,
        mandatory=True,
        label=_("Your bid is not selected"),
        subject=_("Decision on your bid: %(challenge)s"),
        body=_(
            "The programme office has chosen the lead for “%(challenge)s”. Your bid "
            "was not selected this time. The reviewers' feedback follows; we hope it "
            "helps with your next bid."
        ),
        action=_("View the decision"),
    ),
    Event(
        key="milestone.reported",
        category=VALIDATION,
        label=_("A milestone is reported as completed"),
        subject=_("Milestone reported: %(milestone)s"),
        body=_(
            "The lead team reports the milestone “%(milestone)s” of “%(challenge)s” as "
            "completed. Check it in your scenario, then accept or reject it."
        ),
        action=_("Check the milestone"),
    ),
    Event(
        key="milestone.accepted",
        category=VALIDATION,
        mandatory=True,
        label=_("Your milestone is accepted"),
        subject=_("Milestone accepted: %(milestone)s"),
        body=_("The milestone “%(milestone)s” of “%(challenge)s” is accepted."),
        action=_("View the milestone"),
    ),
    Event(
        key="milestone.rejected",
        category=VALIDATION,
        mandatory=True,
        label=_("Your milestone is rejected"),
        subject=_("Milestone rejected: %(milestone)s"),
        body=_(
            "The milestone “%(milestone)s” of “%(challenge)s” is not accepted.\n\n"
            "Comment: %(comment)s"
        ),
        action=_("View the milestone"),
    ),
    Event(
        key="challenge.validated",
        category=VALIDATION,
        mandatory=True,
        label=_("A challenge's solution is validated"),
        subject=_("Solution validated: %(challenge)s"),
        body=_(
            "The solution for “%(challenge)s” passed validation in the demand entity's "
            "scenario. The challenge is complete."
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.validation_failed",
        category=VALIDATION,
        mandatory=True,
        label=_("A challenge's solution fails validation"),
        subject=_("Validation failed: %(challenge)s"),
        body=_("The solution for “%(challenge)s” did not pass validation.\n\nReason: %(reason)s"),
        action=_("View the challenge"),
    ),
    Event(
        key="challenge.lead_assigned",
        category=DECISION,
        mandatory=True,
        label=_("The lead for your challenge is selected"),
        subject=_("Lead selected: %(challenge)s"),
        body=_(
            "The programme office selected %(lead)s to lead your challenge "
            "“%(challenge)s”. You can now see the selected bid and its milestones; "
            "you will check each milestone in your scenario during validation."
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="decision.quorum_overridden",
        category=DECISION,
        mandatory=True,
        label=_("The lead is selected before every bid had its reviews"),
        subject=_("Lead selected below the review quorum: %(challenge)s"),
        body=_(
            "The programme office selected the lead for “%(challenge)s” although some bids "
            "had fewer submitted reviews than the panel requires (%(short)s).\n\n"
            "The programme office's reason: %(reason)s"
        ),
        action=_("View the decision"),
    ),
    Event(
        key="appeal.filed",
        category=DECISION,
        mandatory=True,
        label=_("A bidder appeals the lead decision"),
        subject=_("Appeal filed: %(challenge)s"),
        body=_(
            "%(appellant)s appeals the lead decision on “%(challenge)s”.\n\n"
            "Grounds: %(grounds)s\n\nThe programme office will uphold or reject the appeal "
            "with reasons; the validation waits until then."
        ),
        action=_("View the appeal"),
    ),
    Event(
        key="appeal.upheld",
        category=DECISION,
        mandatory=True,
        label=_("An appeal against the lead decision is upheld"),
        subject=_("Appeal upheld: %(challenge)s"),
        body=_(
            "The programme office upheld the appeal of %(appellant)s against the lead decision "
            "on “%(challenge)s”. The selection stands until the programme office decides "
            "again; nothing changes without a new, recorded decision.\n\n"
            "The programme office's reasons: %(response)s"
        ),
        action=_("View the appeal"),
    ),
    Event(
        key="appeal.rejected",
        category=DECISION,
        mandatory=True,
        label=_("An appeal against the lead decision is rejected"),
        subject=_("Appeal rejected: %(challenge)s"),
        body=_(
            "The programme office rejected the appeal of %(appellant)s against the lead "
            "decision on “%(challenge)s”. The decision stands.\n\n"
            "The programme office's reasons: %(response)s"
        ),
        action=_("View the appeal"),
    ),
    Event(
        key="decision.reopened",
        category=DECISION,
        mandatory=True,
        label=_("The lead decision is reopened after an upheld appeal"),
        subject=_("Lead decision reopened: %(challenge)s"),
        body=_(
            "After an upheld appeal, the programme office has reopened the lead decision on "
            "“%(challenge)s”. The earlier selection no longer stands; every bid is back under "
            "review, and a new decision will be recorded and sent to every bidder.\n\n"
            "The programme office's reasons: %(reason)s"
        ),
        action=_("View the challenge"),
    ),
    Event(
        key="validation.started",
        category=VALIDATION,
        mandatory=True,
        label=_("The validation of a challenge starts"),
        subject=_("Validation started: %(challenge)s"),
        body=_(
            "The validation of “%(challenge)s” has started. %(lead)s reports progress on "
            "each milestone with evidence; %(organization)s checks each one in its "
            "scenario and accepts or rejects it."
        ),
        action=_("Open the milestones"),
    ),
    Event(
        key="validation.ready",
        category=VALIDATION,
        audience=Audience.OPERATORS,
        label=_("Every milestone of a challenge is accepted"),
        subject=_("Ready for sign-off: %(challenge)s"),
        body=_(
            "%(organization)s accepted every milestone of “%(challenge)s”. Sign off the "
            "validation, or record that it failed."
        ),
        action=_("Open the validation"),
    ),
    Event(
        key="kpi.reported",
        category=VALIDATION,
        label=_("The lead reports achieved KPI values"),
        subject=_("Achieved KPI values to confirm: %(challenge)s"),
        body=_(
            "%(lead)s reported the values it achieved for the KPIs of “%(challenge)s”. "
            "Confirm each value or send it back with a comment. Only confirmed values "
            "are published with the results."
        ),
        action=_("Check the values"),
    ),
    Event(
        key="kpi.decided",
        category=VALIDATION,
        label=_("The demand entity checks your achieved KPI values"),
        subject=_("Achieved KPI values checked: %(challenge)s"),
        body=_(
            "%(organization)s checked the achieved KPI values of “%(challenge)s”.\n\n"
            "Confirmed: %(confirmed)s. Sent back: %(returned)s.\n\n"
            "%(comments)s"
        ),
        action=_("Open the validation"),
    ),
]
