"""Drafting in the browser's terms: forms, bad input, tenant isolation, preview, submission."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from challenges.enums import ChallengeState
from challenges.models import Challenge
from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    deadline = timezone.localtime(timezone.now() + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "title": "Flood early warning for the Mekong",
        "summary": "Floods arrive without warning.",
        "sector": "disaster_warning",
        "original_language": "en",
        "problem_statement": "Forecast water levels six hours ahead.",
        "operational_scenario": "Provincial operations room.",
        "data_kind": "Gauge levels",
        "data_size": "10 years",
        "data_access_terms": "Internal use.",
        "experimental_environment": "Operations room.",
        "expected_outcomes": "Six-hour warnings.",
        "cooperation_modes": ["collaborative_rnd"],
        "budget_min": "1000",
        "budget_max": "5000",
        "currency": "USD",
        "cofunding": "",
        "duration_months": "12",
        "deadline": deadline,
        "kpi-TOTAL_FORMS": "2",
        "kpi-INITIAL_FORMS": "0",
        "kpi-MIN_NUM_FORMS": "0",
        "kpi-MAX_NUM_FORMS": "12",
        "kpi-0-metric": "Lead time",
        "kpi-0-target": "6 h",
        "kpi-0-baseline": "1 h",
    }
    data.update(overrides)
    return data


@pytest.fixture
def asean_editor(asean_org):
    user = UserFactory(email="asean.editor@example.org")
    add_member(asean_org, user, MembershipRole.EDITOR)
    return user


def test_challenge_create_saves_a_draft_with_kpis(client_for, asean_editor, asean_org):
    response = client_for(asean_editor).post(reverse("challenges:create"), form_data())
    challenge = Challenge.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "challenges:edit", args=[challenge.pk]
    )
    assert challenge.organization == asean_org and challenge.state == ChallengeState.DRAFT
    assert challenge.cooperation_modes == ["collaborative_rnd"]
    assert [(k.metric, k.target) for k in challenge.kpis.all()] == [("Lead time", "6 h")]
    # The deadline typed in Beijing time is stored as that instant.
    assert (
        timezone.localtime(challenge.deadline).strftime("%Y-%m-%dT%H:%M") == form_data()["deadline"]
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"budget_min": "9000", "budget_max": "100"}, "budget_min", "above the upper end"),
        ({"cooperation_modes": ["space_tourism"]}, "cooperation_modes", "Select a valid choice"),
        ({"title": ""}, "title", "This field is required."),
        ({"kpi-0-target": ""}, None, "Give both the indicator and its target."),
        ({"duration_months": "999"}, "duration_months", "less than or equal to 60"),
    ],
)
def test_challenge_create_bad_input_shows_an_error_and_saves_nothing(
    client_for, asean_editor, overrides, field, message
):
    response = client_for(asean_editor).post(reverse("challenges:create"), form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    if field:
        assert response.context["form"].errors.get(field)
    assert not Challenge.objects.exists()


def test_challenge_edit_bad_input_leaves_the_draft_unchanged(client_for, asean_editor, asean_org):
    challenge = ChallengeFactory(organization=asean_org, title="Original title")
    response = client_for(asean_editor).post(
        reverse("challenges:edit", args=[challenge.pk]),
        form_data(title="Changed", budget_min="10", budget_max="1"),
    )
    assert response.status_code == 200
    challenge.refresh_from_db()
    assert challenge.title == "Original title"


@pytest.mark.parametrize("url_name", ["edit", "preview", "submit", "withdraw", "attachments"])
def test_challenge_draft_pages_are_404_for_other_organizations(
    client, client_for, outsider, url_name
):
    challenge = ChallengeFactory()
    url = reverse(f"challenges:{url_name}", args=[challenge.pk])
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).post(url, form_data()).status_code == 404
    assert client.get(url).status_code == 302
    assert (
        client_for(outsider).get(reverse("challenges:detail", args=[challenge.pk])).status_code
        == 404
    )
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.DRAFT and challenge.title.startswith("Rice")


def test_challenge_viewer_sees_the_draft_but_cannot_edit_it(client_for):
    challenge = ChallengeFactory()
    viewer = UserFactory()
    add_member(challenge.organization, viewer, MembershipRole.VIEWER)
    c = client_for(viewer)
    assert c.get(reverse("challenges:detail", args=[challenge.pk])).status_code == 200
    assert c.get(reverse("challenges:edit", args=[challenge.pk])).status_code == 404
    assert c.post(reverse("challenges:submit", args=[challenge.pk])).status_code == 404
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.DRAFT


def test_challenge_create_is_explained_to_a_guangxi_organization(client_for, editor):
    response = client_for(editor).get(reverse("challenges:create"))
    assert response.status_code == 200
    assert "ASEAN member state" in response.content.decode()
    assert client_for(editor).post(reverse("challenges:create"), form_data()).status_code == 200
    assert not Challenge.objects.exists()


def test_challenge_preview_shows_the_public_page_with_a_banner(client_for, asean_editor, asean_org):
    challenge = ChallengeFactory(organization=asean_org)
    page = (
        client_for(asean_editor)
        .get(reverse("challenges:preview", args=[challenge.pk]))
        .content.decode()
    )
    assert "Preview" in page and challenge.title in page and "History" not in page


def test_challenge_edit_page_shows_the_eligibility_precheck(client_for, asean_editor, asean_org):
    challenge = ChallengeFactory(organization=asean_org)
    page = (
        client_for(asean_editor)
        .get(reverse("challenges:edit", args=[challenge.pk]))
        .content.decode()
    )
    assert "Pre-check" in page and "DEMAND_ASEAN_MEMBER" in page and "REGISTERED_ONE_YEAR" in page


def test_challenge_submit_view_refuses_ineligible_and_keeps_the_draft(client_for):
    organization = OrganizationFactory(
        asean=True, capabilities=True, verification_status="unverified"
    )
    challenge = ChallengeFactory(organization=organization)
    editor = UserFactory()
    add_member(organization, editor, MembershipRole.EDITOR)
    response = client_for(editor).post(reverse("challenges:submit", args=[challenge.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "was not submitted" in page
        and "ORGANIZATION_VERIFIED" in page
        and "request verification" in page
    )
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.DRAFT


def test_challenge_submit_view_submits_and_a_second_click_is_harmless(
    client_for, asean_editor, asean_org
):
    challenge = ChallengeFactory(organization=asean_org)
    c = client_for(asean_editor)
    first = c.post(reverse("challenges:submit", args=[challenge.pk]))
    second = c.post(reverse("challenges:submit", args=[challenge.pk]))
    assert first.status_code == 302 and second.status_code == 302
    challenge.refresh_from_db()
    assert challenge.state == ChallengeState.SUBMITTED
    assert challenge.transitions.filter(action="submit").count() == 1


def test_challenge_history_is_shown_to_members_and_operators_only(
    client, client_for, asean_editor, asean_org, operator
):
    challenge = ChallengeFactory(organization=asean_org)
    client_for(asean_editor).post(reverse("challenges:submit", args=[challenge.pk]))
    client_for(operator).post(
        reverse("challenges:vetting_decide", args=[challenge.pk]), {"action": "publish"}
    )
    for c in (client_for(asean_editor), client_for(operator)):
        assert (
            "History" in c.get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
        )
    public = client.get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    assert challenge.title in public and "History" not in public and "GMT+08:00" in public


def test_challenge_stored_eligibility_report_is_shown_in_the_readers_language(
    client_for, asean_editor, asean_org
):
    challenge = ChallengeFactory(organization=asean_org)
    c = client_for(asean_editor)
    c.post(reverse("challenges:submit", args=[challenge.pk]))  # stored while reading English
    c.cookies["django_language"] = "zh-hans"
    page = c.get(reverse("challenges:detail", args=[challenge.pk])).content.decode()
    assert "东盟成员国" in page
    assert "Registered in an ASEAN member state" not in page
