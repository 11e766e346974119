"""Demo evaluation and validation, on top of the demo challenges (`portal.demo.challenges`).

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

from django.utils import timezone

from challenges.enums import BidState
from challenges.models import Bid, Challenge
from evaluation import services
from evaluation.models import ReviewerAssignment

from . import builders
from .accounts import People, ensure_user
from .challenges import challenge_from_spec, demo_bid

DAY = dt.timedelta(days=1)

EXPERTS = [
    ("expert.an@demo.example", "Dr. Nguyen Van An (expert reviewer)"),
    ("expert.lim@demo.example", "Dr. Lim Mei Ling (expert reviewer)"),
]

# A challenge spec as in portal.demo.challenges.CHALLENGES; its deadline is moved into the past.
SHRIMP = {
    "key": "shrimp",
    "org": "mekong",
    "title": "Forecasting water quality in shrimp ponds of the Mekong Delta",
    "sector": "agriculture",
    "modes": ["collaborative_rnd", "technology_transfer"],
    "currency": "USD",
    "budget": (100000, 300000),
    "duration": 12,
    "deadline": 10,
    "blind_review": True,
    "cofunding": "Sensor buoys and extension officers' time (in kind).",
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
    "kpis": [
        ("12-hour oxygen forecast error", "< 0.8 mg/l", "none"),
        ("Ponds lost to oxygen collapse", "−50 %", "4 % per season"),
    ],
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


def _review(seat: ReviewerAssignment, bid: Bid, values, comments) -> None:
    """A submitted review: the first and fourth criteria commented, an overall comment."""
    per_criterion = [comments[i % len(comments)] if i in (0, 3) else "" for i in range(len(values))]
    builders.review_scored(seat, bid, values, comments=per_criterion, overall=comments[1])


def _review_all(seats: dict[int, ReviewerAssignment], bids, reviewers, people: People) -> None:
    """Each reviewer reviews each bid with the scores and comments above."""
    keys = {org.pk: key for key, org in people.organizations.items()}
    for bid in bids:
        key = keys[bid.applicant_id]
        for index, reviewer in enumerate(reviewers):
            _review(seats[reviewer.pk], bid, SCORES[key][index], COMMENTS[key])


def _shrimp_challenge(people: People, now: dt.datetime) -> Challenge:
    """Listed, bid for by gxai (with ntu) and beibu, its bidding period over 20 days ago."""
    challenge = challenge_from_spec(SHRIMP, people, now)
    builders.challenge_listed(challenge, author=people.author("mekong"), operator=people.operator)
    for key, partners in (("gxai", [("ntu", True)]), ("beibu", [])):
        bid = demo_bid(challenge, key, partners, people)
        builders.bid_submitted(bid, by=people.author(key))
    return builders.challenge_close_bidding(challenge, ended=now - 20 * DAY)


def _validation_in_progress(shrimp: Challenge, people: People) -> None:
    """The lead reports both milestones; the Mekong institute accepts the first."""
    lead_user = people.author("gxai")
    demand_user = people.users["asean.owner@demo.example"]
    validations = shrimp.milestone_validations.order_by("milestone__due_month", "pk")
    for index, validation in enumerate(validations):
        builders.milestone_reported(
            validation,
            by=lead_user,
            text="Delivered as planned; the evaluation report and test logs are attached.",
            evidence=[f"milestone-{index + 1}-report.pdf"],
        )
        if index == 0:
            services.milestone_decide(
                validation=validation,
                accept=True,
                comment="Checked on our held-out ponds: targets met.",
                by=demand_user,
            )


def load_evaluation(people: People, challenges: dict[str, Challenge]) -> None:
    """Panels, reviews, a decision and a validation in progress (see the module docstring)."""
    operator = people.operator
    reviewer = people.users["reviewer@demo.example"]
    experts = [ensure_user(email, name, reviewer=True) for email, name in EXPERTS]
    now = timezone.now()

    # 1. Retina: in evaluation; two experts have reviewed, the demo reviewer has not.
    retina = challenges["retina"]
    seats = builders.panel_seated(retina, [*experts, reviewer], by=operator)
    bids = Bid.objects.filter(challenge=retina, state=BidState.UNDER_REVIEW).order_by("pk")
    _review_all(seats, bids, experts, people)

    # 2. Shrimp ponds: blind review, decided, in validation.
    shrimp = _shrimp_challenge(people, now)
    seats = builders.panel_seated(shrimp, [*experts, reviewer], by=operator)
    bids = list(Bid.objects.filter(challenge=shrimp, state=BidState.UNDER_REVIEW).order_by("pk"))
    _review_all(seats, bids, [*experts, reviewer], people)
    services.decision_create(
        challenge=shrimp,
        bid=next(b for b in bids if b.applicant_id == people.organizations["gxai"].pk),
        rationale="Ranked first by all three reviewers; strongest use of the cooperatives' sensor data and a credible field-trial plan with the Mekong institute.",
        by=operator,
    )
    services.validation_start(challenge=shrimp, by=operator)
    _validation_in_progress(shrimp, people)
