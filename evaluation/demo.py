"""Demo data for evaluation and validation (called at the end of challenges.demo).

- "Diabetic retinopathy screening" (in evaluation): a panel with the default
  rubric; two expert reviewers have submitted their reviews, and the demo
  reviewer (reviewer@demo.example) still has to declare and score, so the
  whole reviewer journey can be tried.
- "Shrimp pond water quality" (a Mekong challenge, blind review): carried
  through evaluation and lead assignment into validation; the first
  milestone is accepted, the second is reported and waits for the Mekong
  institute (asean.owner@demo.example) to accept it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from challenges import lifecycle
from challenges import services as challenge_services
from challenges.enums import BidState
from challenges.models import Bid, Challenge
from entities.files import inspect_upload
from entities.models import Organization, User

from . import services
from .models import ReviewerAssignment

DAY = dt.timedelta(days=1)
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

EXPERTS = [
    ("expert.an@demo.example", "Dr. Nguyen Van An (expert reviewer)"),
    ("expert.lim@demo.example", "Dr. Lim Mei Ling (expert reviewer)"),
]

SHRIMP = {
    "title": "Forecasting water quality in shrimp ponds of the Mekong Delta",
    "summary": "Shrimp farmers in Ca Mau and Bac Lieu lose whole ponds overnight when dissolved oxygen collapses after hot, still days. A 12-hour forecast of oxygen and ammonia per pond would tell them when to run aerators and when to harvest early.",
    "problem": "Forecast dissolved oxygen, pH and ammonia 12 hours ahead per pond from low-cost sensors and weather forecasts, robust to sensor drift and gaps.",
    "scenario": "400 ponds of 30 cooperatives with floating sensor buoys; farmers receive alerts by Zalo.",
    "data": (
        "Sensor time series and farm logbooks",
        "3 seasons, 400 ponds",
        "Used on the institute's servers; aggregated results publishable.",
    ),
    "env": "Two pilot cooperatives, a sensor lab, extension officers for field checks.",
    "outcomes": "An alert service the cooperatives run themselves.",
}

# Scores per criterion (default rubric order) of each expert for each applicant.
SCORES = {
    "gxai": [(8, 7, 7, 9, 6), (7, 8, 6, 8, 7), (9, 8, 8, 8, 7)],
    "gxu": [(6, 7, 8, 6, 8), (7, 6, 7, 7, 6), (6, 6, 7, 5, 7)],
    "beibu": [(6, 5, 6, 5, 4), (7, 6, 5, 6, 5), (5, 6, 6, 6, 5)],
}
COMMENTS = {
    "gxai": (
        "Convincing adaptation plan and strong team; field trial schedule is tight.",
        "Excellent use of the local data; the sustainability plan could name who maintains the system.",
    ),
    "gxu": (
        "Solid, conventional approach; the data plan needs more detail.",
        "Good training offer for local staff; technical novelty is limited.",
    ),
    "beibu": (
        "Logistics background is strong but the domain experience is thin.",
        "Milestones are realistic; fit with the demand scenario is only partly argued.",
    ),
}


def _expert(email: str, name: str, like: User) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "is_reviewer": True}
    )
    if created:
        user.password = like.password  # the demo password, without knowing it here
    user.is_demo = True
    user.is_reviewer = True
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _review(assignment: ReviewerAssignment, bid: Bid, values, comments, by: User) -> None:
    services.conflict_declare(assignment=assignment, bid=bid, has_conflict=False, by=by)
    criteria = list(bid.challenge.criteria.order_by("order", "pk"))
    scores = {
        c.pk: (value, comments[i % len(comments)] if i in (0, 3) else "")
        for i, (c, value) in enumerate(zip(criteria, values, strict=True))
    }
    services.review_save(
        assignment=assignment,
        bid=bid,
        scores=scores,
        overall_comment=comments[1],
        by=by,
        submit=True,
    )


def _applicant_key(bid: Bid, organizations: dict[str, Organization]) -> str:
    return next(key for key, org in organizations.items() if org.pk == bid.applicant_id)


def _shrimp_challenge(organizations, operator: User, now) -> Challenge:
    from challenges.demo import _make_bid

    mekong = organizations["mekong"]
    author = mekong.memberships.order_by("pk").first().user
    data_kind, data_size, data_terms = SHRIMP["data"]
    challenge = challenge_services.challenge_create(
        organization=mekong,
        by=author,
        title=SHRIMP["title"],
        summary=SHRIMP["summary"],
        problem_statement=SHRIMP["problem"],
        operational_scenario=SHRIMP["scenario"],
        data_kind=data_kind,
        data_size=data_size,
        data_access_terms=data_terms,
        experimental_environment=SHRIMP["env"],
        expected_outcomes=SHRIMP["outcomes"],
        sector="agriculture",
        cooperation_modes=["collaborative_rnd", "technology_transfer"],
        budget_min=Decimal(100000),
        budget_max=Decimal(300000),
        currency="USD",
        cofunding="Sensor buoys and extension officers' time (in kind).",
        deadline=timezone.localtime(now + 10 * DAY).replace(
            hour=17, minute=0, second=0, microsecond=0
        ),
        duration_months=12,
        blind_review=True,
        kpis=[
            {"metric": "12-hour oxygen forecast error", "target": "< 0.8 mg/l", "baseline": "none"},
            {
                "metric": "Ponds lost to oxygen collapse",
                "target": "−50 %",
                "baseline": "4 % per season",
            },
        ],
    )
    lifecycle.transition_challenge(challenge, "submit", by=author)
    lifecycle.transition_challenge(challenge, "publish", by=operator)
    for key, partners in (("gxai", [(organizations["ntu"], True)]), ("beibu", [])):
        applicant = organizations[key]
        user = applicant.memberships.order_by("pk").first().user
        bid = _make_bid(challenge, applicant, partners, user, operator)
        lifecycle.transition_bid(bid, "submit", by=user)
    Challenge.objects.filter(pk=challenge.pk).update(deadline=now - 20 * DAY)
    lifecycle.transition_challenge(challenge, "close", by=None)
    return Challenge.objects.get(pk=challenge.pk)


def load_evaluation_demo(
    *,
    organizations: dict[str, Organization],
    users: dict[str, User],
    challenges: dict[str, Challenge] | None = None,
) -> None:
    """Panels, reviews, a decision and a validation in progress (see the module docstring)."""
    operator = users["operator@demo.example"]
    reviewer = users["reviewer@demo.example"]
    experts = [_expert(email, name, like=reviewer) for email, name in EXPERTS]
    now = timezone.now()

    # 1. Retina: in evaluation; two experts have reviewed, the demo reviewer has not.
    retina = (challenges or {}).get("retina") or Challenge.objects.get(
        title__startswith="Diabetic retinopathy screening"
    )
    retina.refresh_from_db()
    services.panel_create(challenge=retina, by=operator)
    seats = {
        user.pk: services.reviewer_assign(challenge=retina, reviewer=user, by=operator)
        for user in [*experts, reviewer]
    }
    for bid in Bid.objects.filter(challenge=retina, state=BidState.UNDER_REVIEW).order_by("pk"):
        key = _applicant_key(bid, organizations)
        for index, expert in enumerate(experts):
            _review(seats[expert.pk], bid, SCORES[key][index], COMMENTS[key], expert)

    # 2. Shrimp ponds: blind review, decided, in validation.
    shrimp = _shrimp_challenge(organizations, operator, now)
    services.panel_create(challenge=shrimp, by=operator)
    panel_seats = {
        user.pk: services.reviewer_assign(challenge=shrimp, reviewer=user, by=operator)
        for user in [*experts, reviewer]
    }
    bids = list(Bid.objects.filter(challenge=shrimp, state=BidState.UNDER_REVIEW).order_by("pk"))
    for bid in bids:
        key = _applicant_key(bid, organizations)
        for index, user in enumerate([*experts, reviewer]):
            _review(panel_seats[user.pk], bid, SCORES[key][index], COMMENTS[key], user)
    winner = next(b for b in bids if b.applicant_id == organizations["gxai"].pk)
    services.decision_create(
        challenge=shrimp,
        bid=winner,
        rationale="Ranked first by all three reviewers; strongest use of the cooperatives' sensor data and a credible field-trial plan with the Mekong institute.",
        by=operator,
    )
    services.validation_start(challenge=shrimp, by=operator)
    lead_user = organizations["gxai"].memberships.order_by("pk").first().user
    demand_user = users["asean.owner@demo.example"]
    validations = list(shrimp.milestone_validations.order_by("milestone__due_month", "pk"))
    for index, validation in enumerate(validations):
        upload = SimpleUploadedFile(
            f"milestone-{index + 1}-report.pdf", DEMO_PDF, "application/pdf"
        )
        services.milestone_report(
            validation=validation,
            text="Delivered as planned; the evaluation report and test logs are attached.",
            files=[(upload, inspect_upload(upload))],
            by=lead_user,
        )
        if index == 0:
            services.milestone_decide(
                validation=validation,
                accept=True,
                comment="Checked on our held-out ponds: targets met.",
                by=demand_user,
            )
