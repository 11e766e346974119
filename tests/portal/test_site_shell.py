"""The site shell: home page, language switch, organization switcher, dashboard."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from entities.enums import MembershipRole
from portal.middleware import SESSION_KEY
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --------------------------------------------------------------------------- home
def test_home_explains_the_programme(client):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert 'id="how-it-works"' in content
    assert 'id="rules"' in content
    assert "Guangxi" in content and "ASEAN" in content
    assert reverse("account_signup") in content


def test_home_signed_in_links_to_dashboard(client_for, owner):
    response = client_for(owner).get("/")
    assert reverse("dashboard").encode() in response.content
    assert b"Sign out" in response.content


def test_unknown_page_is_404_not_500(client):
    assert client.get("/no/such/page/").status_code == 404


# --------------------------------------------------------------------------- language
def test_language_switch_to_chinese_sets_cookie_and_html_lang(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"
    page = client.get("/")
    assert b'<html lang="zh-hans">' in page.content
    assert b'<option value="zh-hans" lang="zh-hans" selected>' in page.content


def test_language_switch_back_to_english(client):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert b'<html lang="en">' in client.get("/").content


def test_language_switch_unknown_language_is_ignored(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert "django_language" not in response.cookies
    assert b'<html lang="en">' in client.get("/").content


def test_language_switch_offsite_next_is_not_followed(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.get("Location", "")


def test_language_of_signed_in_user_applies_without_cookie(client_for):
    user = UserFactory(preferred_language="zh-hans")
    assert b'<html lang="zh-hans">' in client_for(user).get("/").content


def test_language_cookie_wins_over_profile(client_for):
    user = UserFactory(preferred_language="zh-hans")
    c = client_for(user)
    c.cookies["django_language"] = "en"
    assert b'<html lang="en">' in c.get("/").content


def test_language_switcher_is_labelled(client):
    content = client.get("/").content.decode()
    assert '<label for="language-select"' in content
    assert "简体中文" in content


# --------------------------------------------------------------------------- organization switcher
@pytest.fixture
def two_orgs(org, owner, asean_org):
    add_member(asean_org, owner, MembershipRole.VIEWER)
    return org, asean_org


def test_switcher_lists_only_own_organizations(client_for, two_orgs, owner, outsider):
    foreign = OrganizationFactory(legal_name="Somebody Else Ltd.")
    content = client_for(owner).get(reverse("dashboard")).content.decode()
    assert 'id="org-switch"' in content
    for organization in two_orgs:
        assert f'<option value="{organization.pk}"' in content
    assert f'<option value="{foreign.pk}"' not in content
    assert "Somebody Else Ltd." not in content


def test_switcher_switches_to_own_organization(client_for, two_orgs, owner):
    org, asean_org = two_orgs
    c = client_for(owner)
    response = c.post(
        reverse("entities:switch"), {"organization": asean_org.pk, "next": "/dashboard/"}
    )
    assert response.status_code == 302
    assert response.url == "/dashboard/"
    assert c.session[SESSION_KEY] == asean_org.pk
    dashboard = c.get(reverse("dashboard"))
    assert dashboard.context["organization"] == asean_org
    assert dashboard.context["membership"].role == MembershipRole.VIEWER


def test_switcher_refuses_foreign_organization(client_for, two_orgs, owner):
    org, _asean = two_orgs
    foreign = OrganizationFactory()
    c = client_for(owner)
    c.post(reverse("entities:switch"), {"organization": org.pk})
    response = c.post(reverse("entities:switch"), {"organization": foreign.pk})
    assert response.status_code == 302
    assert any("not a member" in m for m in _messages(response))
    assert c.session[SESSION_KEY] == org.pk
    assert c.get(reverse("dashboard")).context["organization"] == org


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999"])
def test_switcher_bad_value_is_refused_without_500(client_for, two_orgs, owner, value):
    response = client_for(owner).post(reverse("entities:switch"), {"organization": value})
    assert response.status_code == 302
    assert SESSION_KEY not in response.wsgi_request.session


def test_switcher_offsite_next_goes_to_dashboard(client_for, two_orgs, owner):
    _org, asean_org = two_orgs
    response = client_for(owner).post(
        reverse("entities:switch"),
        {"organization": asean_org.pk, "next": "https://evil.example/phish"},
    )
    assert response.url == reverse("dashboard")


def test_switcher_needs_post_and_login(client, client_for, owner, org):
    assert client.post(reverse("entities:switch"), {"organization": org.pk}).status_code == 302
    assert client_for(owner).get(reverse("entities:switch")).status_code == 405


def test_switcher_falls_back_after_leaving(client_for, two_orgs, owner):
    org, asean_org = two_orgs
    c = client_for(owner)
    c.post(reverse("entities:switch"), {"organization": asean_org.pk})
    asean_org.memberships.filter(user=owner).delete()
    assert c.get(reverse("dashboard")).context["organization"] == org


def test_switcher_hidden_with_single_organization(client_for, org, owner):
    content = client_for(owner).get(reverse("dashboard")).content.decode()
    assert 'id="org-switch"' not in content
    assert reverse("entities:detail", args=[org.pk]) in content


# --------------------------------------------------------------------------- dashboard
def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_dashboard_without_organization_offers_registration(client_for):
    user = UserFactory()
    response = client_for(user).get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["organization"] is None
    assert reverse("entities:create").encode() in response.content


def test_dashboard_shows_active_organization_and_role(client_for, org, editor):
    response = client_for(editor).get(reverse("dashboard"))
    assert response.status_code == 200
    assert org.legal_name.encode() in response.content
    assert b"you are editor" in response.content


def _dashboard_queries(client) -> int:
    client.get(reverse("dashboard"))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_dashboard_query_count_does_not_grow_with_memberships(
    client_for, org, owner, django_assert_max_num_queries
):
    c = client_for(owner)
    one = _dashboard_queries(c)
    for _ in range(6):
        add_member(OrganizationFactory(capabilities=True), owner, MembershipRole.EDITOR)
    many = _dashboard_queries(c)
    assert many == one
    with django_assert_max_num_queries(30):
        c.get(reverse("dashboard"))


def test_dashboard_query_count_does_not_grow_with_invitations(client_for, org, owner):
    from tests.factories import InvitationFactory

    c = client_for(owner)
    InvitationFactory(organization=OrganizationFactory(), email=owner.email)
    one = _dashboard_queries(c)
    for _ in range(5):
        InvitationFactory(organization=OrganizationFactory(), email=owner.email)
    assert _dashboard_queries(c) == one


def test_messages_are_announced(client_for, two_orgs, owner):
    _org, asean_org = two_orgs
    c = client_for(owner)
    response = c.post(reverse("entities:switch"), {"organization": asean_org.pk}, follow=True)
    content = response.content.decode()
    assert 'aria-live="polite"' in content
    assert "is now your active organization" in content
