"""In-process measurements on one bench database; prints one JSON object (run.py reads it).

    .venv/bin/python benchmarks/inprocess.py [--database-url URL] [--only KEY ...]

- SQL queries per page: Django's test client with the production settings
  and `CaptureQueriesContext`, each page requested once to warm up, then
  counted (uncached pages with a unique cache-busting parameter).
- Bid submission with 5 partners: a Guangxi organization drafts a bid on an
  open challenge with the portal's services, five ASEAN organizations accept
  to be partners, then the bid is submitted through the real form (POST);
  the queries of that request are counted.
- Lead selection: `evaluation.services.decision_create` on the big
  challenge (queries and seconds).

Both writes run inside a transaction that is rolled back, so the database
is unchanged and the run repeatable. That outer transaction turns the
request's outermost `atomic()` into a savepoint; those savepoint statements
are not counted (in production they are BEGIN/COMMIT, not queries), every
other statement is. Work queued with `transaction.on_commit` (e-mails, tasks)
runs after the commit in production and is not part of the figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common  # noqa: E402
from benchmarks.pages import MEMORY_DETAILS, PAGES  # noqa: E402


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run the block in a transaction that is always rolled back."""
    from django.db import transaction

    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


@contextmanager
def counting():
    """Capture the queries, leaving out the savepoints that stand for production's BEGIN."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    outermost: set[str] = set()
    original = connection.savepoint

    def savepoint():
        depth = len(connection.savepoint_ids)
        sid = original()
        if depth == 0 and sid:
            outermost.add(sid)
        return sid

    connection.savepoint = savepoint
    result: dict = {}
    try:
        with CaptureQueriesContext(connection) as ctx:
            yield result
    finally:
        connection.savepoint = original
    queries = [
        q["sql"]
        for q in ctx.captured_queries
        if not any(f'"{sid}"' in q["sql"] for sid in outermost) or "SAVEPOINT" not in q["sql"]
    ]
    result["queries"] = len(queries)
    result["sql"] = queries


def subjects() -> dict:
    """The pks the page paths name, and challenges for the memory check's detail pages."""
    from challenges.models import Challenge
    from challenges.selectors import browse_challenges

    big = Challenge.objects.get(title=common.BIG_TITLE)
    listing = browse_challenges()
    step = max(1, listing.count() // MEMORY_DETAILS)
    details = list(listing.values_list("pk", flat=True)[::step][:MEMORY_DETAILS])
    return {"big": big.pk, "detail": details[0], "details": details}


def sizes() -> dict:
    from challenges.enums import ChallengeState
    from challenges.models import Bid, Challenge

    return {
        "challenges": Challenge.objects.count(),
        "public": Challenge.objects.filter(state__in=ChallengeState.public()).count(),
        "bids": Bid.objects.filter(challenge__title=common.BIG_TITLE).count(),
    }


def _client(who: str):
    from django.test import Client

    from entities.models import User

    client = Client()
    email = {
        "operator": common.OPERATOR_EMAIL,
        "reviewer": common.REVIEWER_EMAIL,
        "member": common.MEMBER_EMAIL,
    }.get(who)
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def page_queries(found: dict, keys: list[str] | None) -> dict:
    """Per page: the number of queries of a warm request and its status code."""
    clients: dict = {}
    out = {}
    for page in PAGES:
        if keys and page.key not in keys:
            continue
        client = clients.setdefault(page.who, _client(page.who))
        client.get(page.url(found, 1), secure=True)
        with counting() as counted:
            response = client.get(page.url(found, 2), secure=True, HTTP_CACHE_CONTROL="no-cache")
        out[page.key] = {"queries": counted["queries"], "status": response.status_code}
    return out


def _draft_bid_with_partners(challenge, lead, owners):
    """A complete draft bid of `lead` with five accepted partners, made by the services."""
    from challenges import services
    from entities.models import Organization

    by = owners[lead.pk]
    bid = services.bid_create(challenge=challenge, applicant=lead, by=by)
    mode = challenge.cooperation_modes[0]
    services.bid_update(
        bid=bid,
        by=by,
        modes={mode: "Joint work plan with the demand side."},
        milestones=[
            {
                "deliverable": "Baseline model",
                "due_month": 3,
                "acceptance_criterion": "Recall above 70 % on the pilot data.",
                "evidence_expected": "Evaluation report.",
            }
        ],
        lead_title="Professor",
        lead_cv="PhD 2009; 40 papers; 6 projects with ASEAN partners.",
        technical_approach="Self-supervised pre-training, active learning with field staff.",
        scenario_fit="Trained and validated on the challenge's own data and sites.",
        budget_total=200000,
        duration_months=12,
    )
    partners = (
        Organization.objects.exclude(country="CN")
        .exclude(pk=challenge.organization_id)
        .order_by("pk")[:5]
    )
    for organization in partners:
        partner = services.partner_add(
            bid=bid, organization=organization, role="Pilot site", contribution="Staff", by=by
        )
        services.partner_respond(
            partner=partner, organization=organization, accept=True, by=owners[organization.pk]
        )
    return bid


def bid_submission() -> dict:
    from challenges.enums import BidState, ChallengeState
    from challenges.models import Bid, Challenge
    from entities.enums import MembershipRole
    from entities.models import Membership, Organization

    challenge = (
        Challenge.objects.filter(state=ChallengeState.LISTED).order_by("-deadline", "pk").first()
    )
    lead = Organization.objects.filter(country="CN").order_by("pk").first()
    owners = {
        m.organization_id: m.user
        for m in Membership.objects.filter(role=MembershipRole.OWNER).select_related("user")
    }
    result: dict = {}
    with rolled_back():
        bid = _draft_bid_with_partners(challenge, lead, owners)
        client = _client("anon")
        client.force_login(owners[lead.pk])
        with counting() as counted:
            response = client.post(f"/bids/{bid.pk}/submit/", secure=True)
        state = Bid.objects.get(pk=bid.pk).state
        result = {
            "queries": counted["queries"],
            "status": response.status_code,
            "ok": state == BidState.SUBMITTED,
            "partners": bid.partners.count(),
        }
    return result


def lead_selection() -> dict:
    from challenges.models import Challenge
    from entities.models import User
    from evaluation import selectors, services

    challenge = Challenge.objects.get(title=common.BIG_TITLE)
    operator = User.objects.get(email=common.OPERATOR_EMAIL)
    winner = selectors.ranking(challenge)[0].bid
    bids = challenge.bids.count()
    with rolled_back(), counting() as counted:
        started = time.perf_counter()
        services.decision_create(
            challenge=challenge, bid=winner, rationale="Best panel score.", by=operator
        )
        seconds = time.perf_counter() - started
    return {"queries": counted["queries"], "seconds": round(seconds, 3), "bids": bids}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=common.LARGE_DB_URL)
    parser.add_argument("--only", action="append", default=[], help="page key (repeatable)")
    args = parser.parse_args(argv)
    common.configure(args.database_url)
    import django

    django.setup()
    keys = [k for item in args.only for k in item.split(",") if k]
    found = subjects()
    out: dict = {"subjects": found, "sizes": sizes(), "pages": page_queries(found, keys)}
    if not keys or "bid-submit" in keys:
        out["bid_submit"] = bid_submission()
    if not keys or "lead-selection" in keys:
        out["lead_selection"] = lead_selection()
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
