"""Partner finder and matchmaking (issue 15, item 6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from challenges import matchmaking
from challenges.enums import PartnerStatus
from challenges.models import BidPartner, DirectoryListing
from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

from .factories import draft_bid, listed_challenge

pytestmark = pytest.mark.django_db


def _listed(name, *, capabilities, sectors=(), asean=False, listed=True, **kwargs):
    organization = OrganizationFactory(legal_name=name, asean=asean, **kwargs)
    DirectoryListing.objects.create(
        organization=organization,
        listed=listed,
        capabilities=capabilities,
        sectors=list(sectors),
        summary=f"{name} offers things.",
    )
    return organization


@pytest.fixture
def challenge():
    return listed_challenge(
        title="Salinity intrusion maps for rice farms",
        summary="Salt water reaches rice paddies; we need remote sensing maps.",
        sector="agriculture",
    )


def test_matches_rank_by_declared_capabilities_and_sector_and_explain(challenge):
    best = _listed(
        "Mekong Remote Sensing Lab",
        capabilities="rice, salinity, remote sensing",
        sectors=["agriculture"],
        asean=True,
    )
    some = _listed("Delta Agro Data", capabilities="rice, irrigation", asean=True)
    _listed("Harbour Logistics AI", capabilities="ports, containers", asean=True)
    _listed("Hidden Rice Co", capabilities="rice, salinity", asean=True, listed=False)
    lead = _listed("Nanning Rice AI", capabilities="rice, drones")
    found = matchmaking.match_partners(challenge)
    partners = found["partner"]
    assert [m.organization for m in partners] == [best, some]
    assert partners[0].keywords == ["rice", "salinity", "remote sensing"]
    assert partners[0].same_sector
    assert [m.organization for m in found["lead"]] == [lead]


def test_unverified_organizations_are_never_suggested_nor_listed(client_for, challenge):
    _listed("Unverified Rice", capabilities="rice", asean=True, unverified=True)
    assert matchmaking.match_partners(challenge)["partner"] == []
    page = client_for(UserFactory()).get(reverse("challenges:directory"))
    assert "Unverified Rice" not in page.content.decode()


def test_directory_search_filters_and_paginates(client_for):
    _listed("Mekong Remote Sensing Lab", capabilities="salinity", asean=True, country="VN")
    _listed("Jakarta Flood AI", capabilities="floods", asean=True, country="ID")
    _listed("Nanning Rice AI", capabilities="rice")
    c = client_for(UserFactory())
    everyone = c.get(reverse("challenges:directory")).content.decode()
    assert "Mekong Remote Sensing Lab" in everyone and "Nanning Rice AI" in everyone
    found = c.get(reverse("challenges:directory"), {"q": "salinity"}).content.decode()
    assert "Mekong Remote Sensing Lab" in found and "Jakarta Flood AI" not in found
    leads = c.get(reverse("challenges:directory"), {"side": "lead"}).content.decode()
    assert "Nanning Rice AI" in leads and "Jakarta Flood AI" not in leads
    indonesia = c.get(reverse("challenges:directory"), {"country": "ID"}).content.decode()
    assert "Jakarta Flood AI" in indonesia and "Mekong" not in indonesia


def test_directory_sector_filter(client_for):
    _listed("Agri One", capabilities="x", sectors=["agriculture"], asean=True)
    _listed("Health One", capabilities="y", sectors=["health"], asean=True)
    page = client_for(UserFactory()).get(reverse("challenges:directory"), {"sector": "health"})
    assert "Health One" in page.content.decode() and "Agri One" not in page.content.decode()


def test_organization_opts_in_through_its_listing_page(client_for):
    organization = OrganizationFactory(asean=True)
    manager = UserFactory()
    add_member(organization, manager, MembershipRole.MANAGER)
    c = client_for(manager)
    response = c.post(
        reverse("challenges:directory_listing"),
        {"listed": "on", "capabilities": "rice, drones", "sectors": ["agriculture"], "summary": ""},
    )
    assert response.status_code == 302
    listing = DirectoryListing.objects.get(organization=organization)
    assert listing.listed and listing.keywords() == ["rice", "drones"]
    assert listing.sectors == ["agriculture"] and listing.history.count() == 1
    viewer = UserFactory()
    add_member(organization, viewer, MembershipRole.VIEWER)
    assert client_for(viewer).get(reverse("challenges:directory_listing")).status_code == 404


def test_invite_a_suggested_partner_to_the_draft_bid(client_for, challenge):
    partner = _listed("Mekong Remote Sensing Lab", capabilities="salinity", asean=True)
    bid = draft_bid(challenge)
    c = client_for(bid.created_by)
    page = c.get(reverse("challenges:matches", args=[challenge.pk])).content.decode()
    assert "Invite Mekong Remote Sensing Lab to your bid" in page
    assert "matches: salinity" in page
    response = c.post(
        reverse("challenges:match_invite", args=[challenge.pk]),
        {"pick-organization": partner.pk, "pick-role": "Data", "pick-contribution": "Maps"},
    )
    assert response["Location"] == reverse("challenges:bid_partners", args=[bid.pk])
    invited = BidPartner.objects.get(bid=bid)
    assert invited.organization == partner and invited.status == PartnerStatus.INVITED


def test_invite_without_a_draft_bid_is_404_and_changes_nothing(client_for, challenge):
    partner = _listed("Mekong Remote Sensing Lab", capabilities="salinity", asean=True)
    response = client_for(UserFactory()).post(
        reverse("challenges:match_invite", args=[challenge.pk]),
        {"pick-organization": partner.pk, "pick-role": "Data", "pick-contribution": "Maps"},
    )
    assert response.status_code == 404 and not BidPartner.objects.exists()
