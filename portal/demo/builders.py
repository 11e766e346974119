"""Builders of realistic object graphs, shared by the demo data and the test factories.

Plain functions (production code: no factory_boy, no Faker) that go through
the apps' services and lifecycle functions, so that what they build is what
people could have built in the browser: a verified organization with its
capabilities and evidence, a complete challenge draft with KPIs, a complete
bid with its modes, team, budget and milestones, partners who accept, a
panel that reviews. The demo data (`portal.demo`) fills them with its
content; the test factories (`tests/…/factories.py`) with theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.cn import uscc
from stdnum.vn import mst

from challenges import lifecycle
from challenges import services as challenge_services
from challenges.models import Bid, BidPartner, Challenge
from entities import services as entity_services
from entities.enums import (
    DEMAND_CAPABILITIES,
    LEAD_CAPABILITIES,
    CapabilityKey,
    MembershipRole,
    VerificationStatus,
)
from entities.files import UploadInfo, inspect_upload
from entities.models import CapabilityDeclaration, Membership, Organization, User
from evaluation import services as evaluation_services
from evaluation.models import ConflictDeclaration, MilestoneValidation, Review, ReviewerAssignment

# The smallest file every upload check accepts as a PDF.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# --------------------------------------------------------------------------- identifiers
def make_uscc(n: int, *, region: str = "450100", category: str = "91") -> str:
    """A well-formed USCC (Chinese unified social credit code) with a correct check character."""
    body = f"{category}{region}MA5K{n:05d}"
    return body + uscc.calc_check_digit(body)


def with_uscc_check(number: str) -> str:
    """A USCC written with a placeholder check character, given its real one."""
    body = number[:17]
    return body + uscc.calc_check_digit(body)


def make_vn_mst(n: int) -> str:
    """A valid 10-digit Vietnamese enterprise code (some bases have no valid check digit)."""
    k = n * 11 + 1
    while True:
        base = f"01{k:07d}"
        check = mst.calc_check_digit(base)
        if len(check) == 1:
            return base + check
        k += 1


# --------------------------------------------------------------------------- files
def pdf_upload(name: str = "evidence.pdf") -> tuple[SimpleUploadedFile, UploadInfo]:
    """A PDF upload checked as every upload is (the pair the services take as `files`)."""
    upload = SimpleUploadedFile(name, PDF_BYTES, "application/pdf")
    return upload, inspect_upload(upload)


# --------------------------------------------------------------------------- people
def verified_email(user: User) -> None:
    """Mark the user's e-mail address as verified (allauth), as after the confirmation link."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def add_member(
    organization: Organization, user: User, role: str = MembershipRole.EDITOR
) -> Membership:
    """Make `user` a member of `organization` with `role`, as an accepted invitation does."""
    return entity_services.membership_add(organization=organization, user=user, role=role)


def first_manager(organization: Organization) -> User:
    """An owner or manager of the organization: who answers for it."""
    membership = organization.memberships.filter(
        role__in=(MembershipRole.OWNER, MembershipRole.MANAGER)
    ).first()
    if membership is None:
        raise ValueError(f"{organization} has no owner or manager to answer for it.")
    return membership.user


# --------------------------------------------------------------------------- organizations
def side_capabilities(organization: Organization) -> tuple[str, ...]:
    """The capabilities the organization's side must declare (lead side in China)."""
    return LEAD_CAPABILITIES if organization.country == "CN" else DEMAND_CAPABILITIES


def declare_capability(
    organization: Organization,
    key: str,
    *,
    by: User,
    description: str = "",
    evidence: bool = True,
) -> CapabilityDeclaration:
    """Declare one capability (entities.services.capability_save), with a PDF as evidence."""
    label = CapabilityKey(key).label
    return entity_services.capability_save(
        organization=organization,
        key=key,
        description=description or f"{label}: {organization.legal_name}, with numbers.",
        files=[pdf_upload(f"{key}.pdf")] if evidence else [],
        by=by,
    )


def organization_verify(organization: Organization, *, by: User) -> Organization:
    """Verification requested (if not yet) and granted by the operator `by`; idempotent."""
    status = organization.verification_status
    if status == VerificationStatus.VERIFIED:
        return organization
    if status != VerificationStatus.PENDING:
        entity_services.organization_set_verification(
            organization=organization, to=VerificationStatus.PENDING, by=by
        )
    return entity_services.organization_set_verification(
        organization=organization, to=VerificationStatus.VERIFIED, by=by
    )


def organization_registered(
    *,
    owner: User,
    operator: User,
    capabilities: Iterable[str] | None = None,
    describe: Callable[[str], str] | None = None,
    **fields: Any,
) -> Organization:
    """An organization registered by `owner`, its capabilities declared with evidence,
    verification requested by the owner and granted by `operator`.

    `capabilities` defaults to every capability of its side; `describe(key)`
    may give the text of each declaration.
    """
    organization = entity_services.organization_create(user=owner, **fields)
    keys = side_capabilities(organization) if capabilities is None else capabilities
    for key in keys:
        text = describe(key) if describe else ""
        declare_capability(organization, key, by=owner, description=text)
    entity_services.organization_request_verification(organization=organization, user=owner)
    organization.refresh_from_db()
    return organization_verify(organization, by=operator)


# --------------------------------------------------------------------------- challenges
def deadline_in(days: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """5 pm local time, `days` from now: how demand sides set a bidding deadline."""
    moment = timezone.localtime((now or timezone.now()) + dt.timedelta(days=days))
    return moment.replace(hour=17, minute=0, second=0, microsecond=0)


def challenge_fields() -> dict[str, Any]:
    """Everything a challenge draft needs before it can be submitted (override any of it)."""
    return {
        "title": "Early detection of rice disease from drone images",
        "summary": "Farmers lose a third of the harvest to outbreaks seen too late.",
        "problem_statement": "Detect early-stage blast lesions on multispectral images.",
        "operational_scenario": "Cooperatives fly drones weekly over 8,000 ha in Can Tho.",
        "data_kind": "Labelled drone images",
        "data_size": "120,000 images",
        "data_access_terms": "Used on the institute's servers.",
        "experimental_environment": "Two pilot cooperatives and a GPU workstation.",
        "expected_outcomes": "A field-validated model.",
        "sector": "agriculture",
        "cooperation_modes": ["collaborative_rnd", "technology_transfer"],
        "budget_min": Decimal("100000"),
        "budget_max": Decimal("300000"),
        "currency": "USD",
        "cofunding": "Staff time of the operational team and access to facilities (in kind).",
        "deadline": deadline_in(30),
        "duration_months": 12,
        "kpis": [{"metric": "Recall", "target": "≥ 85 %", "baseline": "40 %"}],
    }


def challenge_draft(*, organization: Organization, by: User, **fields: Any) -> Challenge:
    """A complete challenge draft with KPIs (challenges.services.challenge_create)."""
    return challenge_services.challenge_create(
        organization=organization, by=by, **{**challenge_fields(), **fields}
    )


def challenge_listed(challenge: Challenge, *, author: User, operator: User) -> Challenge:
    """Submitted for vetting by `author`, published by `operator`: open for bids."""
    lifecycle.transition_challenge(challenge, "submit", by=author)
    return lifecycle.transition_challenge(challenge, "publish", by=operator)


def challenge_close_bidding(challenge: Challenge, *, ended: dt.datetime) -> Challenge:
    """The bidding period ended at `ended` (in the past): closed as the beat task does."""
    Challenge.objects.filter(pk=challenge.pk).update(deadline=ended)
    return lifecycle.transition_challenge(challenge, "close", by=None)


# --------------------------------------------------------------------------- bids
def bid_content(challenge: Challenge, applicant: Organization, **overrides: Any) -> dict:
    """Everything a bid needs before submission: the lead researcher, approach, the
    first two cooperation modes of the challenge with a plan each, a team, budget
    lines that add up to the total and two milestones within the duration."""
    cent = Decimal("0.01")
    total = (Decimal(challenge.budget_max or 100000) * Decimal("0.8")).quantize(cent)
    personnel = (total * Decimal("0.6")).quantize(cent)
    duration = challenge.duration_months or 12
    content = {
        "lead_name": "Chen Hao",
        "lead_title": "Professor",
        "lead_email": f"lead.{applicant.pk}@{(applicant.website or 'https://example.org').split('//')[-1]}",
        "lead_affiliation": applicant.legal_name,
        "lead_cv": "PhD in computer vision (2009). Leads a 25-person applied AI group; 40 papers; three deployed systems in agriculture and health across ASEAN.",
        "technical_approach": f"We adapt foundation models to the data of “{challenge.title}”, with self-supervised pre-training on unlabelled data, active learning with the demand side's experts, and edge deployment.",
        "scenario_fit": "The model is trained and validated on the demand side's own data and environment; field trials in the pilot sites are planned from month 6.",
        "budget_total": total,
        "currency": challenge.currency,
        "cofunding": "20 % in kind: researcher time and GPU hours.",
        "duration_months": challenge.duration_months,
        "modes": {
            mode: f"How we deliver {mode.replace('_', ' ')} with the demand side, step by step."
            for mode in challenge.cooperation_modes[:2]
        },
        "team": [
            {
                "name": "Dr. Liang Qiu",
                "role": "Machine learning lead",
                "affiliation": applicant.legal_name,
            }
        ],
        "budget_lines": [
            {"item": "Personnel", "amount": personnel},
            {"item": "Equipment and field trials", "amount": total - personnel},
        ],
        "milestones": [
            {
                "deliverable": "Baseline model on the demand side's data",
                "due_month": 4,
                "acceptance_criterion": "Meets half of the KPI targets on the held-out set",
                "evidence_expected": "Evaluation report and test logs",
            },
            {
                "deliverable": "Field trial in the pilot sites",
                "due_month": max(6, duration - 2),
                "acceptance_criterion": "KPI targets met in the operational scenario",
                "evidence_expected": "Signed trial report by the demand side",
            },
        ],
    }
    return {**content, **overrides}


def bid_complete(bid: Bid, *, by: User, **content: Any) -> Bid:
    """Fill the draft with every field submission needs (challenges.services.bid_update).

    `content` overrides `bid_content()`; give a related list as None to leave it as it is.
    """
    return challenge_services.bid_update(
        bid=bid, by=by, **bid_content(bid.challenge, bid.applicant, **content)
    )


def bid_draft(*, challenge: Challenge, applicant: Organization, by: User, **content: Any) -> Bid:
    """A complete draft bid of `applicant` started by its member `by`."""
    bid = challenge_services.bid_create(challenge=challenge, applicant=applicant, by=by)
    return bid_complete(bid, by=by, **content)


def partner_invited(
    *,
    bid: Bid,
    organization: Organization,
    by: User,
    role: str = "Data engineering and local training",
    contribution: str = "Two engineers for 12 months; training courses in the partner country.",
) -> BidPartner:
    """`by` (a member of the applicant) invites an organization on the portal as a partner."""
    return challenge_services.partner_add(
        bid=bid, organization=organization, role=role, contribution=contribution, by=by
    )


def partner_accepted(
    *,
    bid: Bid,
    organization: Organization,
    by: User,
    manager: User | None = None,
    **invitation: str,
) -> BidPartner:
    """Invited by `by` (see `partner_invited`); its owner or manager `manager` accepts."""
    partner = partner_invited(bid=bid, organization=organization, by=by, **invitation)
    return challenge_services.partner_respond(
        partner=partner,
        organization=organization,
        accept=True,
        by=manager or first_manager(organization),
    )


def bid_submitted(bid: Bid, *, by: User) -> Bid:
    """Submitted by the applicant's member `by` (every pre-check must pass)."""
    return lifecycle.transition_bid(bid, "submit", by=by)


# --------------------------------------------------------------------------- evaluation
def panel_seated(
    challenge: Challenge, reviewers: Iterable[User], *, by: User
) -> dict[int, ReviewerAssignment]:
    """A panel with the default rubric and these reviewers on it: reviewer id → seat."""
    evaluation_services.panel_create(challenge=challenge, by=by)
    return {
        reviewer.pk: evaluation_services.reviewer_assign(
            challenge=challenge, reviewer=reviewer, by=by
        )
        for reviewer in reviewers
    }


def scores_for(
    challenge: Challenge, values: Sequence[int] | int, comments: Sequence[str] | str = ""
) -> dict[int, tuple[int, str]]:
    """Scores for the challenge's rubric in order (criterion id → (score, comment));
    one value or comment stands for every criterion."""
    criteria = list(challenge.criteria.order_by("order", "pk"))
    if isinstance(values, int):
        values = [values] * len(criteria)
    if isinstance(comments, str):
        comments = [comments] * len(criteria)
    return {
        c.pk: (value, comment) for c, value, comment in zip(criteria, values, comments, strict=True)
    }


def review_scored(
    assignment: ReviewerAssignment,
    bid: Bid,
    values: Sequence[int] | int,
    *,
    comments: Sequence[str] | str = "",
    overall: str = "",
    submit: bool = True,
) -> Review:
    """The seat's reviewer declares no conflict (if not yet), then saves or submits scores."""
    reviewer = assignment.reviewer
    if not ConflictDeclaration.objects.filter(assignment=assignment, bid=bid).exists():
        evaluation_services.conflict_declare(
            assignment=assignment, bid=bid, has_conflict=False, by=reviewer
        )
    return evaluation_services.review_save(
        assignment=assignment,
        bid=bid,
        scores=scores_for(bid.challenge, values, comments),
        overall_comment=overall,
        by=reviewer,
        submit=submit,
    )


def milestone_reported(
    validation: MilestoneValidation, *, by: User, text: str, evidence: Sequence[str] = ()
) -> MilestoneValidation:
    """The lead reports the milestone with a PDF for each name in `evidence`."""
    evaluation_services.milestone_report(
        validation=validation, text=text, files=[pdf_upload(name) for name in evidence], by=by
    )
    validation.refresh_from_db()
    return validation
