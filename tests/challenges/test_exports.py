"""The programme office's spreadsheets of challenges and bids: operators only (a 404 for
anyone else), read back as CSV and XLSX, a constant number of queries."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from challenges.models import Challenge
from tests.challenges.factories import ChallengeFactory, draft_bid, listed_challenge, submitted_bid

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict[str, str]]:
    text = (
        b"".join(response).decode("utf-8-sig")
        if response.streaming
        else response.content.decode("utf-8-sig")
    )
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def programme():
    listed = listed_challenge(title="=HYPERLINK(evil) Flood warning")
    draft = ChallengeFactory(title="Draft water quality")
    submitted = submitted_bid(listed)
    in_draft = draft_bid(listed)
    return {"listed": listed, "draft": draft, "submitted": submitted, "in_draft": in_draft}


def test_challenges_export_csv_has_every_challenge(client_for, operator, programme):
    response = client_for(operator).get(reverse("challenges:export", args=["csv"]))
    assert response["Content-Disposition"].startswith('attachment; filename="challenges-')
    assert response["Cache-Control"] == "private, no-store"
    rows = {int(r["Challenge"]): r for r in read_csv(response)}
    assert set(rows) == {programme["listed"].pk, programme["draft"].pk}
    listed = rows[programme["listed"].pk]
    # A formula-like title is neutralised (CSV injection).
    assert listed["Title"] == "'=HYPERLINK(evil) Flood warning"
    assert listed["State"] == "Open for bids"
    assert listed["Bids in competition"] == "1"
    assert listed["Cooperation modes sought"]
    assert rows[programme["draft"].pk]["State"] == "Draft"


def test_bids_export_xlsx_leaves_drafts_out(client_for, operator, programme):
    response = client_for(operator).get(reverse("challenges:bids_export", args=["xlsx"]))
    rows = read_xlsx(response)
    assert [r["Bid"] for r in rows] == [programme["submitted"].pk]
    [row] = rows
    assert row["Lead organizer"] == programme["submitted"].applicant.legal_name
    assert row["Bid state"] == "Submitted"
    assert row["Challenge"] == programme["listed"].pk


@pytest.mark.parametrize("name", ["challenges:export", "challenges:bids_export"])
def test_exports_are_a_404_for_anyone_but_operators(client_for, client, owner, name, programme):
    assert client_for(owner).get(reverse(name, args=["csv"])).status_code == 404
    anonymous = client.get(reverse(name, args=["csv"]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_unknown_format_is_a_404(client_for, operator):
    assert client_for(operator).get("/operator/exports/challenges.pdf").status_code == 404


@pytest.mark.parametrize("name", ["challenges:export", "challenges:bids_export"])
def test_export_query_count_is_constant(client_for, operator, name):
    client = client_for(operator)
    challenge = listed_challenge()
    submitted_bid(challenge)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name, args=["xlsx"]))
    for _ in range(3):
        other = listed_challenge()
        submitted_bid(other)
        submitted_bid(challenge)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(name, args=["xlsx"]))
    assert len(read_xlsx(response)) in (4, 7)
    assert Challenge.objects.count() == 4
    assert len(many) == len(few)
