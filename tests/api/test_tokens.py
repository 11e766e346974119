"""Personal access tokens: created on the account page (shown once, stored hashed), scoped to
one organization, revocable; the organization endpoints with the pages' permission rules;
401 for revoked or expired tokens; rate limits per address and per token."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from api.models import AccessToken, token_digest
from challenges.enums import BidState
from entities.models import Membership
from notifications.models import Notification
from tests.challenges.factories import ChallengeFactory, draft_bid, listed_challenge

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the page
def test_token_page_creates_a_token_shown_once_and_stored_hashed(client_for, owner, org):
    client = client_for(owner)
    response = client.post(
        "/accounts/tokens/",
        {"name": "Reporting script", "organization": org.pk, "lifetime": 30},
        follow=True,
    )
    token = AccessToken.objects.get(user=owner)
    html = response.content.decode()
    secret = html.split('id="new-token"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert secret.startswith("gxp_") and len(secret) > 40
    assert token.digest == token_digest(secret) and secret not in token.digest
    assert token.organization == org and token.name == "Reporting script"
    assert (token.expires_at - timezone.now()).days in (29, 30)
    assert not AccessToken.objects.filter(hint=secret).exists()
    # Shown only once: the next visit lists the token by its beginning, not the secret.
    again = client.get("/accounts/tokens/").content.decode()
    assert secret not in again and token.hint in again and "Reporting script" in again
    # Its user is told by e-mail (a security event).
    assert Notification.objects.filter(recipient=owner, event="token.created").exists()


def test_token_page_refuses_an_organization_the_user_is_not_in(client_for, outsider, org):
    response = client_for(outsider).post(
        "/accounts/tokens/", {"name": "Sneaky", "organization": org.pk, "lifetime": 30}
    )
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not AccessToken.objects.exists()


def test_token_page_refuses_an_unoffered_lifetime(client_for, owner, org):
    response = client_for(owner).post(
        "/accounts/tokens/", {"name": "Forever", "organization": org.pk, "lifetime": 100000}
    )
    assert "lifetime" in response.context["form"].errors
    assert not AccessToken.objects.exists()


def test_revoke_asks_first_then_revokes(client_for, owner, org, make_token, api_get):
    secret = make_token(owner, org)
    token = AccessToken.objects.get()
    client = client_for(owner)
    confirm = client.get(f"/accounts/tokens/{token.pk}/revoke/")
    assert "Revoke the token" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api_get("/organization/", token=secret).status_code == 200
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.history.count() == 2  # created, revoked
    assert api_get("/organization/", token=secret).status_code == 401


def test_another_users_token_is_a_404(client_for, owner, outsider, org, make_token):
    make_token(owner, org)
    token = AccessToken.objects.get()
    client = client_for(outsider)
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --------------------------------------------------------------------------- authentication
def test_missing_or_unknown_token_is_401_with_a_challenge(api_get):
    for token in (None, "gxp_unknown", "not-even-a-token"):
        response = api_get("/organization/bids/", token=token)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "personal access token" in response.json()["detail"]


def test_expired_token_is_401(owner, org, make_token, api_get):
    secret = make_token(owner, org, days=7)
    assert api_get("/organization/", token=secret).json()["organization"] == org.legal_name
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        assert api_get("/organization/", token=secret).status_code == 401


def test_token_stops_when_its_user_leaves_the_organization(owner, org, make_token, api_get):
    secret = make_token(owner, org)
    Membership.objects.filter(user=owner, organization=org).delete()
    assert api_get("/organization/", token=secret).status_code == 401


def test_token_stops_when_its_user_is_deactivated(owner, org, make_token, api_get):
    secret = make_token(owner, org)
    owner.is_active = False
    owner.save()
    assert api_get("/organization/", token=secret).status_code == 401


# --------------------------------------------------------------------------- organization data
@pytest.fixture
def bids(org, owner):
    """A draft bid of `org` and one of another Guangxi organization on the same challenge."""
    challenge = listed_challenge()
    mine = draft_bid(challenge, org, by=owner)
    theirs = draft_bid(challenge)
    return mine, theirs


def test_bids_endpoint_lists_the_token_organization_only(bids, owner, org, make_token, api_get):
    mine, theirs = bids
    secret = make_token(owner, org)
    page = api_get("/organization/bids/", token=secret).json()
    assert [b["id"] for b in page["results"]] == [mine.pk]
    assert page["results"][0]["state"] == BidState.DRAFT
    detail = api_get(f"/organization/bids/{mine.pk}/", token=secret).json()
    assert detail["cooperation_modes"] == ["collaborative_rnd"]
    assert detail["history"] == [] or all("to_state" in h for h in detail["history"])
    assert api_get("/organization/bids/", token=secret, state="submitted").json()["count"] == 0


def test_another_tenants_bid_is_a_404(bids, owner, org, outsider, make_token, api_get):
    mine, theirs = bids
    secret = make_token(owner, org)
    assert api_get(f"/organization/bids/{theirs.pk}/", token=secret).status_code == 404
    # The outsider's token, for their own organization, does not reach `org`'s bid either.
    other_secret = make_token(outsider, outsider.memberships.get().organization)
    response = api_get(f"/organization/bids/{mine.pk}/", token=other_secret)
    assert response.status_code == 404
    assert mine.applicant.legal_name not in response.content.decode()


def test_challenges_endpoint_shows_drafts_of_the_organization_only(asean_org, api_get, make_token):
    from entities.enums import MembershipRole
    from tests.factories import UserFactory, add_member

    member = UserFactory()
    add_member(asean_org, member, MembershipRole.VIEWER)
    own_draft = ChallengeFactory(organization=asean_org, title="Our draft")
    foreign_draft = ChallengeFactory(title="Their draft")
    secret = make_token(member, asean_org)
    page = api_get("/organization/challenges/", token=secret).json()
    assert [c["id"] for c in page["results"]] == [own_draft.pk]
    assert page["results"][0]["state"] == "draft"
    assert api_get(f"/organization/challenges/{own_draft.pk}/", token=secret).status_code == 200
    foreign = api_get(f"/organization/challenges/{foreign_draft.pk}/", token=secret)
    assert foreign.status_code == 404
    # Nor does the public endpoint show anybody's draft.
    assert api_get(f"/challenges/{own_draft.pk}/").status_code == 404


def test_notifications_endpoint_is_the_token_users_inbox(owner, viewer, org, make_token, api_get):
    secret = make_token(owner, org)
    make_token(viewer, org)  # the viewer's own "token created" notification
    page = api_get("/organization/notifications/", token=secret).json()
    assert [n["event"] for n in page["results"]] == ["token.created"]
    assert "Script" in page["results"][0]["subject"]
    assert page["results"][0]["read"] is False
    assert api_get("/organization/notifications/", token=secret, unread="false").json()["count"]


# --------------------------------------------------------------------------- rate limits
def test_rate_limit_per_address_answers_429_with_retry_after(settings, api_get):
    settings.API_RATE_PER_ADDRESS = "3/min"
    answers = [api_get("/challenges/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = api_get("/results/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many requests" in response.json()["detail"]


def test_rate_limit_per_token_holds_across_addresses(settings, owner, org, make_token, client):
    settings.API_RATE_PER_TOKEN = "2/min"
    secret = make_token(owner, org)
    headers = {"Authorization": f"Bearer {secret}"}
    answers = [
        client.get("/api/v1/organization/", headers=headers, REMOTE_ADDR=f"10.0.0.{i}").status_code
        for i in range(3)
    ]
    assert answers == [200, 200, 429]
    # Another address without the token is not limited by it.
    assert client.get("/api/v1/challenges/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_selected_bid_shows_its_state_partners_and_history(decided, make_token, api_get):
    winner, rival = decided.bids
    lead_user = decided.applicants[0]
    secret = make_token(lead_user, winner.applicant)
    detail = api_get(f"/organization/bids/{winner.pk}/", token=secret).json()
    assert detail["state"] == BidState.SELECTED
    assert detail["partners"] == [
        {
            "name": decided.partner.legal_name,
            "country": decided.partner.country.code,
            "status": "accepted",
        }
    ]
    assert [h["to_state"] for h in detail["history"]][:1] == ["submitted"]
    assert detail["history"][-1]["to_state"] == BidState.SELECTED
    # The rival's bid on the same challenge stays a 404 for the lead's token.
    assert api_get(f"/organization/bids/{rival.pk}/", token=secret).status_code == 404
    # A partner organization's token does not list the bid as its own.
    partner_user = decided.partner.memberships.first().user
    partner_secret = make_token(partner_user, decided.partner)
    assert api_get("/organization/bids/", token=partner_secret).json()["count"] == 0


def test_operator_revokes_a_token_in_the_admin(client_for, operator, owner, org, make_token):
    secret = make_token(owner, org)
    token = AccessToken.objects.get()
    client = client_for(operator)
    assert client.get("/admin/api/accesstoken/").status_code == 200
    client.post(
        "/admin/api/accesstoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert secret  # the admin never shows it
    assert secret not in client.get(f"/admin/api/accesstoken/{token.pk}/change/").content.decode()


def test_bids_endpoint_query_count_is_constant(owner, org, make_token, api_get):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    secret = make_token(owner, org)
    draft_bid(listed_challenge(), org, by=owner)
    api_get("/organization/", token=secret)  # last_used_at is written on first use
    with CaptureQueriesContext(connection) as few:
        assert api_get("/organization/bids/", token=secret).json()["count"] == 1
    for _ in range(3):
        draft_bid(listed_challenge(), org, by=owner)
    with CaptureQueriesContext(connection) as many:
        assert api_get("/organization/bids/", token=secret).json()["count"] == 4
    assert len(many) == len(few)
