"""Public endpoints: listed challenges filtered exactly like the listing, the public results,
the OpenAPI schema and the self-hosted documentation."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challenges.enums import ChallengeState
from challenges.forms import ChallengeFilter
from challenges.models import Challenge
from tests.challenges.factories import ChallengeFactory, listed_challenge
from tests.factories import OrganizationFactory

from .conftest import RATIONALE, SECRET_REVIEWER

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def catalogue():
    """Listed challenges from Thailand and Viet Nam in two sectors, and a draft."""
    th = OrganizationFactory(
        asean=True,
        capabilities=True,
        country="TH",
        registry="th_juristic",
        registration_number="0994000617721",
    )
    vn = OrganizationFactory(asean=True, capabilities=True)  # Viet Nam by default
    made = {
        "th_rice": listed_challenge(organization=th, title="Rice blast early warning"),
        "th_health": listed_challenge(organization=th, title="Clinic triage", sector="health"),
        "vn_rice": listed_challenge(organization=vn, title="Rice yield maps"),
    }
    made["draft"] = ChallengeFactory(organization=vn, title="Rice secret draft")
    return made


def listing_ids(query: dict) -> list[int]:
    """What the public listing page shows for the same query string (all pages)."""
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in query.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return [c.pk for c in ChallengeFilter(data, queryset=Challenge.objects.none()).qs]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"country": "TH"},
        {"country": ["TH", "VN"], "sector": "agriculture"},
        {"q": "rice"},
        {"q": "rice", "country": "VN"},
        {"mode": "technology_transfer", "sort": "deadline"},
        {"status": "closed"},
    ],
)
def test_challenge_list_filters_exactly_like_the_listing(catalogue, api_get, query):
    response = api_get("/challenges/", **query)
    assert response.status_code == 200
    assert ids(response) == listing_ids(query)
    assert catalogue["draft"].pk not in ids(response)


def test_challenge_list_item_fields(catalogue, api_get):
    challenge = catalogue["th_health"]
    [item] = api_get("/challenges/", sector="health").json()["results"]
    assert item["title"] == "Clinic triage"
    assert item["organization"] == {"name": challenge.organization.legal_name, "country": "TH"}
    assert item["sector"] == "health"
    assert item["state"] == ChallengeState.LISTED
    assert item["open_for_bids"] is True
    assert item["budget_min"] == "100000.00"
    assert item["url"].endswith(f"/challenges/{challenge.pk}/")


def test_challenge_list_pages(catalogue, api_get):
    first = api_get("/challenges/", page_size=2).json()
    second = api_get("/challenges/", page_size=2, page=2).json()
    assert (first["count"], first["pages"], len(first["results"])) == (3, 2, 2)
    assert len(second["results"]) == 1
    assert set(ids_of(first) + ids_of(second)) == {
        catalogue[k].pk for k in ("th_rice", "th_health", "vn_rice")
    }
    beyond = api_get("/challenges/", page=9).json()
    assert (beyond["count"], beyond["results"]) == (3, [])


def ids_of(page: dict) -> list[int]:
    return [item["id"] for item in page["results"]]


@pytest.mark.parametrize(
    "query",
    [
        {"country": "CN"},  # not an ASEAN member: the listing offers no such choice
        {"sector": "astrology"},
        {"page": 0},
        {"page_size": 1000},
        {"deadline_before": "tomorrow"},
    ],
)
def test_challenge_list_rejects_bad_parameters(catalogue, api_get, query):
    response = api_get("/challenges/", **query)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_challenge_list_rejects_null_characters_with_a_message(catalogue, api_get):
    response = api_get("/challenges/", q="rice\x00")
    assert response.status_code == 422
    assert "Invalid filter" in response.json()["detail"]


def test_challenge_detail_is_public_only(catalogue, api_get):
    listed = api_get(f"/challenges/{catalogue['th_rice'].pk}/")
    assert listed.status_code == 200
    assert listed.json()["kpis"] == [{"metric": "Recall", "target": "≥ 85 %", "baseline": "40 %"}]
    draft = api_get(f"/challenges/{catalogue['draft'].pk}/")
    assert draft.status_code == 404
    assert "Rice secret draft" not in draft.content.decode()
    assert api_get("/challenges/99999/").status_code == 404
    assert api_get("/challenges/99999999999999999999/").status_code == 422


def test_challenge_list_query_count_is_constant(api_get, django_assert_max_num_queries):
    for _ in range(2):
        listed_challenge()
    with CaptureQueriesContext(connection) as few:
        assert api_get("/challenges/").status_code == 200
    for _ in range(5):
        listed_challenge()
    with CaptureQueriesContext(connection) as many:
        assert len(api_get("/challenges/").json()["results"]) == 7
    assert len(many) == len(few)


# --------------------------------------------------------------------------- results
def test_results_publish_lead_partners_and_modes_only(decided, api_get):
    response = api_get("/results/")
    [result] = response.json()["results"]
    winner = decided.bids[0]
    assert result["challenge_id"] == decided.challenge.pk
    assert result["lead"]["name"] == winner.applicant.legal_name
    assert [p["name"] for p in result["partners"]] == [decided.partner.legal_name]
    assert result["cooperation_modes"] == ["collaborative_rnd"]
    assert result["validated"] is False
    text = response.content.decode()
    for secret in (
        RATIONALE,
        SECRET_REVIEWER,
        decided.bids[1].applicant.legal_name,
        "Superb plan",
        "score",
    ):
        assert secret not in text


def test_result_detail_and_filters(decided, api_get):
    pk = decided.challenge.pk
    detail = api_get(f"/challenges/{pk}/result/").json()
    assert detail["lead"]["name"] == decided.bids[0].applicant.legal_name
    assert detail["kpis"] == []  # KPIs only after validation
    country = decided.challenge.organization.country.code
    other = "SG" if country != "SG" else "TH"
    assert len(api_get("/results/", country=country).json()["results"]) == 1
    assert api_get("/results/", country=other).json()["results"] == []


def test_result_detail_is_404_before_a_decision(api_get):
    challenge = listed_challenge()
    assert api_get(f"/challenges/{challenge.pk}/result/").status_code == 404


# --------------------------------------------------------------------------- schema and docs
def test_openapi_schema_is_served_at_both_addresses(client):
    schema = json.loads(client.get("/api/schema/").content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/challenges/" in schema["paths"]
    assert "/api/v1/organization/bids/{bid_id}/" in schema["paths"]
    assert (
        "BearerAuth" in json.dumps(schema["components"]["securitySchemes"])
        or (schema["components"]["securitySchemes"])
    )
    assert client.get("/api/v1/openapi.json").json()["paths"] == schema["paths"]


def test_docs_are_served_from_the_portal_without_inline_script(client):
    response = client.get("/api/docs/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "onclick" not in html
    # Every script is external or JSON data, and carries the CSP nonce attribute.
    import re

    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("nonce=" in tag for tag in scripts)
    assert all("src=" in tag or "application/json" in tag for tag in scripts)


def test_results_query_count_is_constant(decided, operator, api_get):
    from evaluation import services
    from tests.evaluation.conftest import build_scenario

    with CaptureQueriesContext(connection) as few:
        assert api_get("/results/").json()["count"] == 1
    more = build_scenario(operator=operator)
    from portal.demo import builders

    builders.panel_seated(more.challenge, [], by=operator)
    services.decision_create(
        challenge=more.challenge,
        bid=more.bids[1],
        rationale="Clear plan.",
        quorum_override="Decided in a test before the full quorum.",
        by=operator,
    )
    with CaptureQueriesContext(connection) as many:
        assert api_get("/results/").json()["count"] == 2
    assert len(many) == len(few)
