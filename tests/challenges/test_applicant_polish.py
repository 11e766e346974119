"""Walk-through polish for applicants (issue 15, item 9): no rule codes or internal labels
for non-operators, the partner form is not wiped by an htmx refresh on load."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import accepted_partner, draft_bid, listed_challenge

pytestmark = pytest.mark.django_db

_CODE = re.compile(r'<span class="code">\s*[A-Z_]{6,}\s*</span>')


def _visible_text(html: str) -> str:
    """The page without tags and attribute values (what a reader sees)."""
    return re.sub(r"<[^>]+>", " ", html)


def test_eligibility_page_shows_rule_codes_to_operators_only(client_for):
    organization = OrganizationFactory(asean=True)
    member = UserFactory()
    add_member(organization, member, MembershipRole.VIEWER)
    url = reverse("entities:eligibility", args=[organization.pk])
    member_page = client_for(member).get(url).content.decode()
    assert "LEGALLY_REGISTERED" not in _visible_text(member_page)
    assert not _CODE.search(member_page)
    operator_page = client_for(UserFactory(is_staff=True)).get(url).content.decode()
    assert _CODE.search(operator_page)


def test_bid_pages_show_no_rule_code_nor_internal_plural_to_applicants(client_for):
    bid = draft_bid(listed_challenge())
    accepted_partner(bid)
    for name in ("challenges:bid_submit", "challenges:bid_edit", "challenges:bid_detail"):
        page = client_for(bid.created_by).get(reverse(name, args=[bid.pk])).content.decode()
        text = _visible_text(page)
        assert not re.search(r"\b[A-Z]+_[A-Z_]+\b", text), name
        assert "(s)" not in text and "Plan for collaborative r&d" not in text
    submit = client_for(bid.created_by).get(reverse("challenges:bid_submit", args=[bid.pk]))
    assert "1 partner organization, within the limit of 5." in submit.content.decode()


def test_partner_search_does_not_refresh_on_load(client_for):
    bid = draft_bid(listed_challenge())
    page = client_for(bid.created_by).get(
        reverse("challenges:bid_partners", args=[bid.pk]), {"q": "Nanyang"}
    )
    html = page.content.decode()
    trigger = re.search(r'hx-trigger="([^"]+)"', html).group(1)
    assert "load" not in trigger  # a refresh on load would wipe what was typed in the results
    assert 'id="partner-results"' in html
