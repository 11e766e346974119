"""Saved searches: save from the listing, manage (list, rename, delete), and the e-mail alerts
fanned out when a challenge is published (match/no match, idempotent, preferences)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from challenges import alerts, lifecycle
from challenges.models import SavedSearch, SavedSearchAlert
from challenges.search import update_search_vector
from challenges.tasks import notify_saved_searches
from notifications.models import Delivery, DeliveryStatus, Mode, Notification
from notifications.services import preferences_update
from tests.challenges.factories import ChallengeFactory
from tests.factories import OrganizationFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def _submitted(**fields):
    """A challenge submitted for vetting (its search vector computed), ready to publish."""
    challenge = ChallengeFactory(**fields)
    author = UserFactory()
    add_member(challenge.organization, author)
    lifecycle.transition_challenge(challenge, "submit", by=author)
    update_search_vector(challenge.pk)
    challenge.refresh_from_db()
    return challenge


def _save(user, name="Rice", **filters) -> SavedSearch:
    return alerts.saved_search_create(user=user, name=name, **filters)


def _alerts_for(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, event=alerts.MATCH_EVENT))


# --------------------------------------------------------------------------- the fan-out
def test_publishing_alerts_matching_saved_searches_once(
    operator, django_capture_on_commit_callbacks, mailoutbox
):
    fan = UserFactory(email="fan@example.org")
    _save(fan, "Rice in Viet Nam", query="rice", countries=["VN"], sector="agriculture")
    challenge = _submitted(title="Rice blast from drone images")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition_challenge(challenge, "publish", by=operator)
    [note] = _alerts_for(fan)
    assert note.context["search"] == "Rice in Viet Nam"
    assert note.context["url"] == challenge.get_absolute_url()
    mail = [m for m in mailoutbox if m.to == [fan.email]]
    assert len(mail) == 1
    assert "Rice blast from drone images" in mail[0].subject
    assert "Rice in Viet Nam" in mail[0].body
    # The task runs again (a broker redelivery): nobody hears twice.
    assert notify_saved_searches(challenge.pk) == 0
    assert len(_alerts_for(fan)) == 1
    assert SavedSearchAlert.objects.filter(challenge=challenge).count() == 1


@pytest.mark.parametrize(
    "filters",
    [
        {"query": "flood"},
        {"countries": ["TH"]},
        {"sector": "health"},
        {"mode": "technology_investment"},
        {"query": "rice", "sector": "health"},
    ],
)
def test_saved_search_that_does_not_match_is_not_alerted(operator, filters):
    fan = UserFactory()
    _save(fan, **filters)
    challenge = _submitted(title="Rice blast from drone images")
    lifecycle.transition_challenge(challenge, "publish", by=operator)
    assert notify_saved_searches(challenge.pk) == 0
    assert _alerts_for(fan) == []


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"query": "drone"},
        {"countries": ["VN", "TH"]},
        {"sector": "agriculture"},
        {"mode": "technology_transfer"},
    ],
)
def test_saved_search_that_matches_is_alerted(operator, filters):
    fan = UserFactory()
    _save(fan, **filters)
    challenge = _submitted(title="Rice blast from drone images")
    lifecycle.transition_challenge(challenge, "publish", by=operator)
    assert notify_saved_searches(challenge.pk) == 1
    assert len(_alerts_for(fan)) == 1


def test_alerts_only_for_listed_challenges(operator):
    fan = UserFactory()
    _save(fan)
    challenge = _submitted()
    assert notify_saved_searches(challenge.pk) == 0  # still awaiting vetting
    assert notify_saved_searches(999_999) == 0  # gone
    assert _alerts_for(fan) == []


def test_inactive_users_are_not_alerted(operator):
    fan = UserFactory(is_active=False)
    _save(fan)
    challenge = _submitted()
    lifecycle.transition_challenge(challenge, "publish", by=operator)
    assert notify_saved_searches(challenge.pk) == 0


@pytest.mark.parametrize(
    ("mode", "status"),
    [
        (Mode.IMMEDIATE, DeliveryStatus.PENDING),
        (Mode.DIGEST, DeliveryStatus.DIGEST),
        (Mode.OFF, DeliveryStatus.SKIPPED),
    ],
)
def test_alerts_respect_the_e_mail_preference(operator, mode, status):
    fan = UserFactory()
    preferences_update(user=fan, modes={alerts.MATCH_EVENT: mode})
    _save(fan)
    challenge = _submitted()
    lifecycle.transition_challenge(challenge, "publish", by=operator)
    notify_saved_searches(challenge.pk)
    [note] = _alerts_for(fan)  # always in the inbox
    assert Delivery.objects.get(notification=note).status == status


def test_each_saved_search_of_a_user_is_alerted(operator):
    fan = UserFactory()
    _save(fan, "Agriculture", sector="agriculture")
    _save(fan, "Viet Nam", countries=["VN"])
    challenge = _submitted()
    lifecycle.transition_challenge(challenge, "publish", by=operator)
    assert notify_saved_searches(challenge.pk) == 2
    assert {n.context["search"] for n in _alerts_for(fan)} == {"Agriculture", "Viet Nam"}


def test_alert_is_rendered_in_the_recipients_language(operator, mailoutbox):
    fan = UserFactory(preferred_language="zh-hans")
    _save(fan, countries=["VN"])
    challenge = _submitted()
    lifecycle.transition_challenge(challenge, "publish", by=operator)
    from notifications.services import delivery_send

    notify_saved_searches(challenge.pk)
    [note] = _alerts_for(fan)
    delivery_send(delivery_id=Delivery.objects.get(notification=note).pk)
    [mail] = [m for m in mailoutbox if m.to == [fan.email]]
    assert challenge.title in mail.subject
    assert "越南" in mail.body  # the country, named in the reader's language


# --------------------------------------------------------------------------- services
def test_saved_search_names_are_unique_per_user():
    fan = UserFactory()
    _save(fan, "Rice")
    with pytest.raises(ValidationError) as exc:
        _save(fan, "rice ")
    assert "already have a saved search with this name" in str(exc.value)
    _save(UserFactory(), "Rice")  # another user may


def test_saved_searches_are_limited(monkeypatch):
    monkeypatch.setattr(alerts, "MAX_SAVED_SEARCHES", 2)
    fan = UserFactory()
    _save(fan, "One")
    _save(fan, "Two")
    with pytest.raises(ValidationError):
        _save(fan, "Three")
    assert SavedSearch.objects.filter(user=fan).count() == 2


def test_only_the_owner_renames_or_deletes():
    fan, other = UserFactory(), UserFactory()
    saved = _save(fan)
    with pytest.raises(ValidationError):
        alerts.saved_search_rename(saved_search=saved, name="Mine now", by=other)
    with pytest.raises(ValidationError):
        alerts.saved_search_delete(saved_search=saved, by=other)
    assert SavedSearch.objects.get(pk=saved.pk).name == "Rice"


# --------------------------------------------------------------------------- pages
def test_listing_offers_to_save_the_current_filters(client_for, client):
    fan = UserFactory()
    response = client_for(fan).get(
        reverse("challenges:list") + "?q=rice&country=VN&sector=agriculture"
    )
    html = response.content.decode()
    assert 'action="' + reverse("challenges:saved_search_create") + '"' in html
    assert 'name="q" value="rice"' in html
    assert 'name="country" value="VN"' in html
    anonymous = client.get(reverse("challenges:list")).content.decode()
    assert "Sign in to save this search" in anonymous


def test_saving_from_the_listing_stores_the_filters(client_for):
    fan = UserFactory()
    response = client_for(fan).post(
        reverse("challenges:saved_search_create"),
        {"name": "Rice in VN", "q": "rice", "country": ["VN"], "sector": "agriculture", "mode": ""},
    )
    saved = SavedSearch.objects.get(user=fan)
    assert (saved.name, saved.query, saved.countries, saved.sector, saved.mode) == (
        "Rice in VN",
        "rice",
        ["VN"],
        "agriculture",
        "",
    )
    assert response.status_code == 302
    assert response["Location"] == saved.listing_url()
    assert "q=rice" in saved.listing_url() and "country=VN" in saved.listing_url()


def test_saving_with_invalid_filters_changes_nothing(client_for):
    fan = UserFactory()
    response = client_for(fan).post(
        reverse("challenges:saved_search_create"),
        {"name": "", "sector": "not-a-sector", "country": ["XX"]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "Select a valid choice." in html
    assert not SavedSearch.objects.exists()


def test_saving_needs_sign_in(client):
    response = client.post(reverse("challenges:saved_search_create"), {"name": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not SavedSearch.objects.exists()


def test_saved_search_list_shows_only_my_searches(client_for):
    fan, other = UserFactory(), UserFactory()
    _save(fan, "Mine", sector="health")
    _save(other, "Theirs")
    html = client_for(fan).get(reverse("challenges:saved_searches")).content.decode()
    assert "Mine" in html and "Theirs" not in html
    assert "Sector: Health" in html


def test_saved_search_list_empty_state(client_for):
    html = client_for(UserFactory()).get(reverse("challenges:saved_searches")).content.decode()
    assert "No saved search yet" in html


def test_saved_search_list_query_count_is_constant(client_for, django_assert_max_num_queries):
    fan = UserFactory()
    client = client_for(fan)
    _save(fan, "A")
    with django_assert_max_num_queries(12) as first:
        client.get(reverse("challenges:saved_searches"))
    for index in range(8):
        _save(fan, f"More {index}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("challenges:saved_searches"))


def test_rename_and_delete_with_confirmation(client_for):
    fan = UserFactory()
    saved = _save(fan)
    client = client_for(fan)
    rename = reverse("challenges:saved_search_rename", args=[saved.pk])
    response = client.post(rename, {"name": "Rice, renamed"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Rice, renamed"
    delete = reverse("challenges:saved_search_delete", args=[saved.pk])
    page = client.get(delete).content.decode()
    assert "Delete the saved search “Rice, renamed”?" in page
    assert SavedSearch.objects.filter(pk=saved.pk).exists()  # GET changes nothing
    client.post(delete)
    assert not SavedSearch.objects.filter(pk=saved.pk).exists()


def test_another_users_saved_search_is_404(client_for):
    saved = _save(UserFactory())
    intruder = client_for(UserFactory())
    for name in ("challenges:saved_search_rename", "challenges:saved_search_delete"):
        assert intruder.get(reverse(name, args=[saved.pk])).status_code == 404
        assert intruder.post(reverse(name, args=[saved.pk]), {"name": "x"}).status_code == 404
    assert SavedSearch.objects.get(pk=saved.pk).name == "Rice"


def test_rename_to_a_taken_name_shows_the_error_next_to_the_field(client_for):
    fan = UserFactory()
    _save(fan, "Taken")
    saved = _save(fan, "Other")
    response = client_for(fan).post(
        reverse("challenges:saved_search_rename", args=[saved.pk]), {"name": "taken"}
    )
    assert "You already have a saved search with this name." in response.content.decode()
    saved.refresh_from_db()
    assert saved.name == "Other"


def test_saved_search_of_a_thai_organization_matches_by_country(operator):
    thai = OrganizationFactory(
        asean=True,
        capabilities=True,
        country="TH",
        registry="th_juristic",
        registration_number="0994000617721",
    )
    fan = UserFactory()
    _save(fan, countries=["TH"])
    vietnamese = _submitted()
    thai_challenge = _submitted(organization=thai)
    for challenge in (vietnamese, thai_challenge):
        lifecycle.transition_challenge(challenge, "publish", by=operator)
        notify_saved_searches(challenge.pk)
    assert [n.object_id for n in _alerts_for(fan)] == [str(thai_challenge.pk)]
