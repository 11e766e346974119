"""The big competition of the seed: one challenge in evaluation with many reviewed bids.

Each bid comes from its own verified Guangxi organization and is under
review; the panel has the app's default rubric and five reviewers, each of
whom declared no conflict of interest and submitted a scored review of every
bid. The rows are those the services write (`bid_create`, the BID and
CHALLENGE transitions, `panel_create`, `reviewer_assign`, `conflict_declare`,
`review_save`), including the object permissions and the evaluation history.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from guardian.models import UserObjectPermission

from challenges.enums import BidState, ChallengeState, PartnerStatus
from challenges.models import (
    Bid,
    BidBudgetLine,
    BidModePlan,
    BidPartner,
    BidTeamMember,
    BidTransition,
    Challenge,
    ChallengeKPI,
    ChallengeTransition,
    Milestone,
)
from entities.eligibility import Role, check_eligibility
from entities.models import EligibilityRecord, Organization, User
from evaluation.enums import DEFAULT_MAX_SCORE, DEFAULT_RUBRIC, EventAction, ReviewStatus
from evaluation.models import (
    ConflictDeclaration,
    Criterion,
    EvaluationEvent,
    Panel,
    Review,
    ReviewerAssignment,
    Score,
)

from . import texts
from .builders import MODES, Cast, bulk, object_permissions
from .common import BIG_TITLE

DAY = dt.timedelta(days=1)


def _record(organization: Organization, report: dict, context: str, now) -> EligibilityRecord:
    return EligibilityRecord(
        organization=organization,
        subject_name=organization.legal_name,
        role=report["role"],
        ruleset=report["ruleset"],
        on_date=now.date(),
        evaluated_at=now,
        eligible=True,
        report={**report, "subject": organization.legal_name},
        context=context,
    )


def _big_challenge(cast: Cast, now: dt.datetime) -> Challenge:
    """The member organization's challenge, closed for bids 10 days ago."""
    organization = cast.member_org
    report = check_eligibility(organization, role=Role.DEMAND, on=now).as_dict()
    record = _record(organization, report, "challenge", now)
    bulk(EligibilityRecord, [record])
    challenge = Challenge.objects.create(
        organization=organization,
        title=BIG_TITLE,
        summary="Provincial agriculture departments need district yield estimates six weeks "
        "before harvest to plan storage, exports and support for farmers.",
        problem_statement="Combine Sentinel-2 time series, weather records and crop calendars "
        "into district-level yield forecasts with uncertainty bands.",
        operational_scenario="The forecasts feed the monthly bulletin of 13 provinces.",
        data_kind="Satellite time series, weather station records, yield surveys",
        data_size="9 seasons, 13 provinces",
        sector="agriculture",
        cooperation_modes=["collaborative_rnd", "technology_transfer", "personnel_training"],
        budget_min=Decimal("200000"),
        budget_max=Decimal("600000"),
        deadline=now - 10 * DAY,
        duration_months=24,
        state=ChallengeState.EVALUATION,
        state_changed_at=now - 10 * DAY,
        submitted_at=now - 80 * DAY,
        published_at=now - 75 * DAY,
        eligibility_record=record,
        created_by=cast.owners[organization.pk],
    )
    bulk(
        ChallengeKPI,
        [
            ChallengeKPI(challenge=challenge, metric=m, target=t, baseline=b, order=i)
            for i, (m, t, b) in enumerate(texts.KPI_ROWS[:3])
        ],
    )
    author = cast.owners[organization.pk]
    steps = [
        ("submit", "draft", "submitted", author, 80, record),
        ("publish", "submitted", "listed", cast.operator, 75, None),
        ("close", "listed", "evaluation", None, 10, None),
    ]
    bulk(
        ChallengeTransition,
        [
            ChallengeTransition(
                challenge=challenge,
                action=action,
                from_state=src,
                to_state=dst,
                actor=actor,
                at=now - days * DAY,
                eligibility_record=rec,
            )
            for action, src, dst, actor, days, rec in steps
        ],
    )
    return challenge


def _panel(challenge: Challenge, cast: Cast, now: dt.datetime):
    panel = Panel.objects.create(
        challenge=challenge, created_by=cast.operator, created_at=now - 9 * DAY
    )
    criteria = bulk(
        Criterion,
        [
            Criterion(
                challenge=challenge,
                name=str(name),
                guidance=str(guidance),
                weight=weight,
                max_score=DEFAULT_MAX_SCORE,
                order=order,
            )
            for order, (name, guidance, weight) in enumerate(DEFAULT_RUBRIC)
        ],
    )
    assignments = bulk(
        ReviewerAssignment,
        [
            ReviewerAssignment(
                panel=panel,
                reviewer=reviewer,
                assigned_by=cast.operator,
                assigned_at=now - 9 * DAY,
                accepted_at=now - 9 * DAY,
            )
            for reviewer in cast.reviewers
        ],
    )
    events = [
        EvaluationEvent(
            challenge=challenge,
            action=EventAction.PANEL_CREATED,
            actor=cast.operator,
            at=now - 9 * DAY,
        )
    ]
    events += [
        EvaluationEvent(
            challenge=challenge,
            action=EventAction.REVIEWER_ASSIGNED,
            actor=cast.operator,
            subject=str(a.reviewer),
            at=now - 9 * DAY,
        )
        for a in assignments
    ]
    bulk(EvaluationEvent, events)
    return criteria, assignments


def _bid(rng: random.Random, challenge: Challenge, applicant: Organization, owner: User, at) -> Bid:
    lead = texts.person(rng)
    return Bid(
        challenge=challenge,
        applicant=applicant,
        state=BidState.UNDER_REVIEW,
        state_changed_at=challenge.deadline,
        lead_name=lead,
        lead_title=rng.choice(("Professor", "Associate Professor", "Chief Engineer", "Dr.")),
        lead_email=f"lead{applicant.pk}@gx.bench.example",
        lead_affiliation=applicant.legal_name,
        lead_cv="PhD in remote sensing; 15 years of crop modelling; 30 papers; 4 national projects.",
        technical_approach="Temporal convolution over Sentinel-2 composites with weather covariates; "
        "conformal prediction for the uncertainty bands; active learning with field surveys.",
        scenario_fit="Uses the provinces' own yield surveys for calibration and their bulletin workflow.",
        budget_total=Decimal(rng.randint(20, 60) * 10000),
        currency="USD",
        duration_months=rng.choice((18, 24)),
        submitted_at=at,
        created_by=owner,
    )


def _bid_details(rng: random.Random, bids: list[Bid], cast: Cast) -> None:
    plans, milestones, team, lines, partners = [], [], [], [], []
    for bid in bids:
        for mode in rng.sample(MODES[:3], rng.randint(1, 2)):
            plans.append(
                BidModePlan(bid=bid, mode=mode, plan="Joint lab, exchanges and a handover.")
            )
        for order, (deliverable, month) in enumerate(
            (("Baseline model", 6), ("Validated forecasts", 18))
        ):
            milestones.append(
                Milestone(
                    bid=bid,
                    order=order,
                    deliverable=deliverable,
                    due_month=month,
                    acceptance_criterion="District error below 12 % on the held-out season.",
                    evidence_expected="Evaluation report checked by the provincial department.",
                )
            )
        for order, role in enumerate(("Data scientist", "Agronomist")):
            team.append(BidTeamMember(bid=bid, name=texts.person(rng), role=role, order=order))
        for order, item in enumerate(("Staff", "Computing")):
            lines.append(BidBudgetLine(bid=bid, item=item, amount=Decimal(50000), order=order))
        for organization in rng.sample(cast.demand, rng.randint(0, 2)):
            partners.append(
                BidPartner(
                    bid=bid,
                    organization=organization,
                    role="Field trials",
                    contribution="Pilot districts and survey staff.",
                    status=PartnerStatus.ACCEPTED,
                    invited_by=bid.created_by,
                    responded_at=bid.submitted_at - DAY,
                )
            )
    for model, rows in ((BidModePlan, plans), (Milestone, milestones), (BidTeamMember, team)):
        bulk(model, rows)
    bulk(BidBudgetLine, lines)
    bulk(BidPartner, partners)
    object_permissions(
        "view_bid",
        Bid,
        [(b.applicant.members_group, b) for b in bids]
        + [(p.organization.members_group, p.bid) for p in partners],
    )


def _bids(rng: random.Random, challenge: Challenge, cast: Cast, n: int, now) -> list[Bid]:
    report = check_eligibility(cast.leads[0], role=Role.LEAD, on=now).as_dict()
    opened = challenge.published_at
    bids = [
        _bid(
            rng,
            challenge,
            org,
            cast.owners[org.pk],
            opened + (challenge.deadline - opened) * rng.random(),
        )
        for org in cast.leads[:n]
    ]
    bulk(Bid, bids)
    records = bulk(
        EligibilityRecord,
        [_record(b.applicant, report, f"bid:{b.pk}", b.submitted_at) for b in bids],
    )
    for bid, record in zip(bids, records, strict=True):
        bid.eligibility_record = record
    Bid.objects.bulk_update(bids, ["eligibility_record"], batch_size=1000)
    _bid_details(rng, bids, cast)
    transitions = []
    for bid, record in zip(bids, records, strict=True):
        transitions.append(
            BidTransition(
                bid=bid,
                action="submit",
                from_state=BidState.DRAFT,
                to_state=BidState.SUBMITTED,
                actor=bid.created_by,
                at=bid.submitted_at,
                eligibility_record=record,
            )
        )
        transitions.append(
            BidTransition(
                bid=bid,
                action="start_review",
                from_state=BidState.SUBMITTED,
                to_state=BidState.UNDER_REVIEW,
                at=challenge.deadline,
            )
        )
    bulk(BidTransition, transitions)
    return bids


def _reviews(rng, challenge, bids, criteria, assignments, now) -> None:
    """A conflict declaration (none), the review permission and a submitted review per pair."""
    start = challenge.deadline + DAY
    quality = {b.pk: rng.uniform(3, 9) for b in bids}
    declarations, reviews, events = [], [], []
    for a in assignments:
        for bid in bids:
            declared = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 3))
            submitted = declared + dt.timedelta(minutes=rng.randint(20, 600))
            declarations.append(
                ConflictDeclaration(assignment=a, bid=bid, has_conflict=False, declared_at=declared)
            )
            reviews.append(
                Review(
                    assignment=a,
                    bid=bid,
                    status=ReviewStatus.SUBMITTED,
                    overall_comment="Solid approach; milestones could be more specific.",
                    created_at=declared,
                    updated_at=submitted,
                    submitted_at=submitted,
                )
            )
            for action, at in (
                (EventAction.NO_CONFLICT_DECLARED, declared),
                (EventAction.REVIEW_SUBMITTED, submitted),
            ):
                events.append(
                    EvaluationEvent(
                        challenge=challenge,
                        action=action,
                        actor=a.reviewer,
                        subject=str(a.reviewer),
                        bid=bid,
                        at=at,
                    )
                )
    bulk(ConflictDeclaration, declarations)
    bulk(Review, reviews)
    bulk(EvaluationEvent, sorted(events, key=lambda e: e.at))
    _scores(rng, reviews, criteria, quality)
    _review_permissions(assignments, bids)


def _scores(rng, reviews: list[Review], criteria: list[Criterion], quality: dict) -> None:
    """Every criterion scored: the bid's quality plus the reviewer's noise."""
    bulk(
        Score,
        [
            Score(
                review=r,
                criterion=c,
                value=max(0, min(c.max_score, round(quality[r.bid_id] + rng.gauss(0, 1.3)))),
                comment="",
            )
            for r in reviews
            for c in criteria
        ],
        batch=10000,
    )


def _review_permissions(assignments: list[ReviewerAssignment], bids: list[Bid]) -> None:
    """`assign_perm("challenges.review_bid", reviewer, bid)`, as a declared "no conflict" does."""
    content_type = ContentType.objects.get_for_model(Bid)
    permission = Permission.objects.get(content_type=content_type, codename="review_bid")
    bulk(
        UserObjectPermission,
        [
            UserObjectPermission(
                user=a.reviewer,
                permission=permission,
                content_type=content_type,
                object_pk=str(b.pk),
            )
            for a in assignments
            for b in bids
        ],
    )


def build_competition(rng: random.Random, cast: Cast, *, bids: int) -> Challenge:
    """The big challenge with `bids` bids under review, each scored by every reviewer."""
    now = dt.datetime.now(dt.UTC)
    challenge = _big_challenge(cast, now)
    criteria, assignments = _panel(challenge, cast, now)
    made = _bids(rng, challenge, cast, bids, now)
    _reviews(rng, challenge, made, criteria, assignments, now)
    return challenge
