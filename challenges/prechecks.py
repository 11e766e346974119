"""The one submission pre-check per submittable thing (challenge, bid).

`challenge_precheck` and `bid_precheck` list everything that submitting
would refuse, all at once: what the draft still lacks, the other blocking
problems (deadline, partners' consent, partner limit), and the eligibility
reports (the applicant's, and each partner's own). The submit guard in
`challenges.lifecycle` refuses exactly when `ready` is false, and the pages
that show "what is missing" render the same object: page and guard cannot
drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formats import format_datetime, format_list
from entities.eligibility import (
    CURRENT_RULESET,
    PROGRAMME_TZ,
    EligibilityReport,
    Role,
    check_eligibility,
)
from entities.selectors import eligibility_facts

from .enums import ChallengeState, CooperationMode, PartnerStatus
from .models import Bid, BidPartner, Challenge

CHALLENGE_REQUIRED = (
    ("title", gettext_lazy("a title")),
    ("summary", gettext_lazy("a one-paragraph summary")),
    ("problem_statement", gettext_lazy("the problem statement")),
    ("operational_scenario", gettext_lazy("the operational scenario")),
    ("data_kind", gettext_lazy("the kind of local data available")),
    ("data_access_terms", gettext_lazy("the access terms of the data")),
    ("experimental_environment", gettext_lazy("the experimental environment offered")),
    ("expected_outcomes", gettext_lazy("the expected outcomes")),
    ("sector", gettext_lazy("a sector")),
    ("budget_max", gettext_lazy("a budget")),
    ("deadline", gettext_lazy("a bidding deadline")),
    ("duration_months", gettext_lazy("the expected duration")),
)

BID_REQUIRED = (
    ("lead_name", gettext_lazy("the lead researcher's name")),
    ("lead_email", gettext_lazy("the lead researcher's e-mail")),
    ("lead_affiliation", gettext_lazy("the lead researcher's affiliation")),
    ("lead_cv", gettext_lazy("the lead researcher's short CV")),
    ("technical_approach", gettext_lazy("the technical approach")),
    ("scenario_fit", gettext_lazy("how the solution fits the scenario and data")),
    ("budget_total", gettext_lazy("the total budget")),
    ("duration_months", gettext_lazy("the duration")),
)

#: The rule set's limit (DESIGN §3: at most five partners).
MAX_PARTNERS = CURRENT_RULESET.max_partners


@dataclass
class Precheck:
    """Everything that stands between a draft and its submission."""

    missing: list[str]
    problems: list[str]
    report: EligibilityReport
    partner_reports: list[tuple[BidPartner, EligibilityReport]] = field(default_factory=list)
    pending_partners: list[BidPartner] = field(default_factory=list)

    @property
    def partner_failures(self) -> list[str]:
        return [
            _("Partner %(partner)s: %(message)s")
            % {"partner": partner.name, "message": result.message}
            for partner, report in self.partner_reports
            for result in report.failures
        ]

    @property
    def ready(self) -> bool:
        return (
            not self.missing
            and not self.problems
            and self.report.eligible
            and not self.partner_failures
        )

    def errors(self) -> list[str]:
        """Every reason submission would be refused, in the order the page shows them."""
        errors = list(self.problems)
        if self.missing:
            errors.append(_("Still needed: %(list)s.") % {"list": "; ".join(self.missing)})
        errors += [result.message for result in self.report.failures]
        errors += self.partner_failures
        return errors


def _challenge_missing_items(challenge: Challenge, now: dt.datetime) -> list[tuple[str, str]]:
    """(key, what is missing) pairs; the key is a field name or a named check."""
    missing = [
        (field_, str(label))
        for field_, label in CHALLENGE_REQUIRED
        if getattr(challenge, field_) in (None, "")
    ]
    if not challenge.cooperation_modes:
        missing.append(("cooperation_modes", _("at least one cooperation mode")))
    if not challenge.kpis.exists():
        missing.append(("kpis", _("at least one measurable target (KPI)")))
    if challenge.deadline and challenge.deadline <= now:
        missing.append(("deadline", _("a bidding deadline in the future")))
    return missing


def challenge_missing(challenge: Challenge, *, now: dt.datetime | None = None) -> list[str]:
    """What a draft still lacks before it can be submitted (empty when complete)."""
    return [label for _key, label in _challenge_missing_items(challenge, now or timezone.now())]


def challenge_problems(challenge: Challenge) -> list[str]:
    """What is filled in but not acceptable yet (a draft saves with these; submission does not)."""
    problems = []
    if "\n\n" in (challenge.summary or "").strip():
        problems.append(_("Keep the summary to one paragraph."))
    if (
        challenge.questions_deadline
        and challenge.deadline
        and challenge.questions_deadline >= challenge.deadline
    ):
        problems.append(
            _(
                "The deadline for questions must be before the bidding deadline, so that "
                "bidders can use the answers."
            )
        )
    return problems


def challenge_precheck(challenge: Challenge, *, now: dt.datetime | None = None) -> Precheck:
    """What submitting this challenge for vetting would refuse (two queries for the facts)."""
    now = now or timezone.now()
    (facts,) = eligibility_facts([challenge.organization])
    report = check_eligibility(facts, role=Role.DEMAND, on=now, modes=challenge.cooperation_modes)
    return Precheck(
        missing=challenge_missing(challenge, now=now),
        problems=challenge_problems(challenge),
        report=report,
    )


def _bid_missing_items(bid: Bid) -> list[tuple[str, str]]:
    """(key, what is missing) pairs of a bid draft; modes themselves are the report's rule."""
    missing = [
        (field_, str(label)) for field_, label in BID_REQUIRED if getattr(bid, field_) in (None, "")
    ]
    missing += [
        (
            "modes",
            _("a plan for “%(mode)s”") % {"mode": CooperationMode(plan.mode).label},
        )
        for plan in bid.mode_plans.all()
        if not plan.plan.strip()
    ]
    if not bid.milestones.exists():
        missing.append(("milestones", _("at least one milestone")))
    return missing


def bid_missing(bid: Bid) -> list[str]:
    """What a bid draft still lacks before it can be submitted."""
    return [label for _key, label in _bid_missing_items(bid)]


def bid_consistency_problems(bid: Bid) -> list[str]:
    """Budget lines that do not add up to the total; milestones due after the end."""
    problems = []
    lines = list(bid.budget_lines.all())
    if bid.budget_total is not None and lines:
        lines_sum = sum(line.amount for line in lines)
        if lines_sum != bid.budget_total:
            problems.append(
                _(
                    "The budget lines add up to %(sum)s, not the total of %(total)s. "
                    "Correct one or the other."
                )
                % {"sum": lines_sum, "total": bid.budget_total}
            )
    duration = bid.duration_months
    late = [m.deliverable for m in bid.milestones.all() if duration and m.due_month > duration]
    if late:
        problems.append(
            _("Milestones are due after the end of the project (month %(d)s): %(names)s.")
            % {"d": duration, "names": ", ".join(late)}
        )
    return problems


def bidding_problem(challenge: Challenge, now: dt.datetime) -> str | None:
    """Why bids cannot be submitted to this challenge now (None while bidding is open)."""
    if challenge.state != ChallengeState.LISTED:
        return _("The challenge is not open for bids (it is “%(state)s”).") % {
            "state": ChallengeState(challenge.state).label
        }
    if not challenge.deadline or now >= challenge.deadline:
        return _("The bidding deadline (%(deadline)s, Beijing time) has passed.") % {
            "deadline": format_datetime(challenge.deadline, tz=PROGRAMME_TZ)
            if challenge.deadline
            else "—"
        }
    return None


def load_for_submission(bid: Bid) -> None:
    """Load, once, the parts of a bid its pre-check and its receipt hash read: a constant
    number of queries whatever the number of partners (the submit guard calls it)."""
    prefetch_related_objects(
        [bid],
        Prefetch("partners", queryset=BidPartner.objects.select_related("organization")),
        "mode_plans",
        "team",
        "budget_lines",
        "milestones",
        "attachments",
    )


def bid_precheck(bid: Bid, *, now: dt.datetime | None = None) -> Precheck:
    """What submitting this bid would refuse: the lead's and every partner's standing.

    The facts of the applicant and all partners are loaded together (two
    queries whatever the number of partners).
    """
    now = now or timezone.now()
    if "partners" in getattr(bid, "_prefetched_objects_cache", {}):
        partners = list(bid.partners.all())  # loaded with their organizations (submit guard)
    else:
        partners = list(bid.partners.select_related("organization"))
    problems = []
    closed = bidding_problem(bid.challenge, now)
    if closed:
        problems.append(closed)
    if len(partners) > MAX_PARTNERS:
        problems.append(
            _("A bid may have at most %(limit)s partner organizations; this one has %(n)s.")
            % {"limit": MAX_PARTNERS, "n": len(partners)}
        )
    pending = [p for p in partners if p.status != PartnerStatus.ACCEPTED]
    if pending:
        problems.append(
            _("Every partner must accept before the bid is submitted. Waiting for: %(names)s.")
            % {"names": format_list(p.name for p in pending)}
        )
    problems += bid_consistency_problems(bid)
    modes = bid.modes  # none chosen: the COOPERATION_MODES rule of the report says so
    joined = [p for p in partners if p.organization_id]
    lead_facts, *partner_facts = eligibility_facts(
        [bid.applicant, *(p.organization for p in joined)]
    )
    # The modes offered must be among those the challenge asks for (COOPERATION_MODES).
    report = check_eligibility(
        lead_facts,
        role=Role.LEAD,
        on=now,
        partners=partner_facts,
        modes=modes,
        sought_modes=bid.challenge.cooperation_modes or (),
    )
    partner_reports = [
        (partner, check_eligibility(facts, role=Role.PARTNER, on=now))
        for partner, facts in zip(joined, partner_facts, strict=True)
    ]
    return Precheck(
        missing=bid_missing(bid),
        problems=problems,
        report=report,
        partner_reports=partner_reports,
        pending_partners=pending,
    )


# --------------------------------------------------------------------------- completeness
#: The sections of the challenge form (in its order) and the keys each one needs.
CHALLENGE_SECTIONS = (
    (gettext_lazy("The challenge"), ("title", "summary", "sector")),
    (gettext_lazy("Problem and scenario"), ("problem_statement", "operational_scenario")),
    (
        gettext_lazy("What you offer"),
        ("data_kind", "data_access_terms", "experimental_environment"),
    ),
    (gettext_lazy("Expected outcomes"), ("expected_outcomes", "kpis")),
    (
        gettext_lazy("Cooperation and budget"),
        ("cooperation_modes", "budget_max", "duration_months"),
    ),
    (gettext_lazy("Timeline"), ("deadline",)),
)

#: The sections of the bid form (in its order) and the keys each one needs.
BID_SECTIONS = (
    (
        gettext_lazy("Lead researcher"),
        ("lead_name", "lead_email", "lead_affiliation", "lead_cv"),
    ),
    (gettext_lazy("Approach"), ("technical_approach", "scenario_fit", "modes")),
    (gettext_lazy("Budget and duration"), ("budget_total", "duration_months")),
    (gettext_lazy("Milestones"), ("milestones",)),
)


@dataclass
class Section:
    """One section of a form: done when nothing it needs is missing."""

    number: int
    label: str
    missing: list[str]

    @property
    def done(self) -> bool:
        return not self.missing

    @property
    def anchor(self) -> str:
        return f"section-{self.number}"


@dataclass
class Completeness:
    """How many sections of a draft form are complete, and what each one still needs."""

    sections: list[Section]

    @property
    def done(self) -> int:
        return sum(1 for s in self.sections if s.done)

    @property
    def total(self) -> int:
        return len(self.sections)

    @property
    def incomplete(self) -> list[Section]:
        return [s for s in self.sections if not s.done]


def _completeness(sections, missing: list[tuple[str, str]]) -> Completeness:
    return Completeness(
        sections=[
            Section(
                number=n,
                label=str(label),
                missing=[text for key, text in missing if key in keys],
            )
            for n, (label, keys) in enumerate(sections, start=1)
        ]
    )


def challenge_completeness(
    challenge: Challenge | None, *, now: dt.datetime | None = None
) -> Completeness:
    """Sections of the challenge form done, of all (a new, unsaved form has none done)."""
    if challenge is None:
        return Completeness(
            sections=[
                Section(number=n, label=str(label), missing=[_("not started")])
                for n, (label, _keys) in enumerate(CHALLENGE_SECTIONS, start=1)
            ]
        )
    missing = _challenge_missing_items(challenge, now or timezone.now())
    return _completeness(CHALLENGE_SECTIONS, missing)


def bid_completeness(bid: Bid) -> Completeness:
    """Sections of the bid form done, of all."""
    missing = _bid_missing_items(bid)
    if not bid.mode_plans.exists():
        missing.append(("modes", _("at least one cooperation mode")))
    return _completeness(BID_SECTIONS, missing)
