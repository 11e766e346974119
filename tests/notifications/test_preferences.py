"""Preferences (off, digest, mandatory) and the daily digest."""

from __future__ import annotations

import pytest

from notifications import services
from notifications.models import Delivery, DeliveryStatus, Mode, Notification, Preference
from notifications.services import notify

from .helpers import digests, later, sweep

CLOSED = {"challenge": "Smart ports", "url": "/challenges/3/"}
PUBLISHED = {"challenge": "Smart ports", "url": "/challenges/3/"}


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(*args):
        with django_capture_on_commit_callbacks(execute=True):
            return notify(*args)

    return run


def test_switched_off_event_goes_to_the_inbox_but_not_by_email(owner, send, mailoutbox):
    services.preferences_update(user=owner, modes={"challenge.closed": Mode.OFF})
    send([owner], "challenge.closed", None, CLOSED)
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=owner).count() == 1
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED


def test_other_events_still_emailed_when_one_is_off(owner, send, mailoutbox):
    services.preferences_update(user=owner, modes={"challenge.closed": Mode.OFF})
    send([owner], "bid.withdrawn", None, {"challenge": "X", "applicant": "Y", "url": "/"})
    assert len(mailoutbox) == 1


def test_mandatory_event_cannot_be_switched_off(owner, send, mailoutbox):
    services.preferences_update(user=owner, modes={"challenge.published": Mode.OFF})
    assert not Preference.objects.filter(event="challenge.published").exists()
    services.unsubscribe(user=owner, event="*")
    # even a row written behind the services' back is ignored
    Preference.objects.create(user=owner, event="challenge.published", mode=Mode.OFF)
    send([owner], "challenge.published", None, PUBLISHED)
    assert len(mailoutbox) == 1


def test_unsubscribe_all_applies_to_optional_events_only(owner, send, mailoutbox):
    services.unsubscribe(user=owner, event="*")
    send([owner], "challenge.closed", None, CLOSED)
    send([owner], "decision.selected", None, {"challenge": "X", "url": "/", "feedback": []})
    assert [m.subject for m in mailoutbox] == ["[ASEAN–Guangxi AI] Your bid is selected: X"]


def test_specific_choice_wins_over_unsubscribe_all(owner, send, mailoutbox):
    services.unsubscribe(user=owner, event="*")
    services.preferences_update(user=owner, modes={"challenge.closed": Mode.IMMEDIATE})
    send([owner], "challenge.closed", None, CLOSED)
    assert len(mailoutbox) == 1


def test_switching_off_after_notify_skips_the_pending_email(
    owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([owner], "challenge.closed", None, CLOSED)
    services.preferences_update(user=owner, modes={"challenge.closed": Mode.OFF})
    callbacks[0]()
    assert mailoutbox == []
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED


def test_digest_collects_a_days_notifications_into_one_email(
    owner, manager, send, mailoutbox, settings
):
    services.preferences_update(
        user=owner, modes={"challenge.closed": Mode.DIGEST, "bid.withdrawn": Mode.DIGEST}
    )
    send([owner, manager], "challenge.closed", None, CLOSED)
    send(
        [owner],
        "bid.withdrawn",
        None,
        {"challenge": "Smart ports", "applicant": "GX Labs", "url": "/b/1/"},
    )
    send([owner], "organization.verified", None, {"organization": "GX", "url": "/o/1/"})
    # the manager (no preference) and the mandatory event go out right away
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        (manager.email, "[ASEAN–Guangxi AI] Applications closed: Smart ports"),
        (owner.email, "[ASEAN–Guangxi AI] GX is verified"),
    ]
    mailoutbox.clear()
    assert Delivery.objects.filter(status=DeliveryStatus.DIGEST).count() == 2
    with later(60):
        sweep()  # the sweeper leaves digest rows alone
    assert mailoutbox == []

    assert digests() == 1
    (digest,) = mailoutbox
    assert digest.to == [owner.email]
    assert "2 notifications" in digest.subject
    assert "Applications closed: Smart ports" in digest.body
    assert "GX Labs withdrew its bid" in digest.body
    assert f"{settings.SITE_URL}/b/1/" in digest.body
    assert "/notifications/unsubscribe/" in digest.extra_headers["List-Unsubscribe"]
    assert "Smart ports" in digest.alternatives[0][0]
    assert set(
        Delivery.objects.filter(recipient=owner, mode=Mode.DIGEST).values_list("status", flat=True)
    ) == {DeliveryStatus.SENT}

    assert digests() == 0  # idempotent: nothing left to claim
    assert len(mailoutbox) == 1


def test_digest_task_twice_for_the_same_user_sends_once(owner, send, mailoutbox):
    from notifications.tasks import send_digest

    services.preferences_update(user=owner, modes={"challenge.closed": Mode.DIGEST})
    send([owner], "challenge.closed", None, CLOSED)
    assert send_digest.apply(args=[owner.pk]).get() == "sent"
    assert send_digest.apply(args=[owner.pk]).get() == "not_claimed"
    assert len(mailoutbox) == 1


def test_failed_digest_is_retried_by_the_sweeper(owner, send, mailoutbox, settings, flaky):
    flaky.failures = 1
    services.preferences_update(user=owner, modes={"challenge.closed": Mode.DIGEST})
    send([owner], "challenge.closed", None, CLOSED)
    digests()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DIGEST, 1)
    assert "SMTPServerDisconnected" in delivery.last_error
    with later(settings.NOTIFICATIONS_RETRY_BACKOFF + settings.NOTIFICATIONS_STALE_AFTER + 1):
        assert sweep()["digests"] == 1
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


# --------------------------------------------------------------------------- the page
def test_preferences_page_lists_events_with_mandatory_ones_locked(owner, client_for):
    response = client_for(owner).get("/notifications/preferences/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="challenge.closed"' in html
    assert "Your bid is selected" in html
    assert 'name="decision.selected"' not in html  # locked, not a form field
    assert "Always e-mailed right away" in html
    # operators' and reviewers' events are not offered to a member
    assert "organization.verification_requested" not in html
    assert 'name="review.assigned"' not in html


def test_preferences_page_offers_operator_events_to_operators(operator, client_for):
    html = client_for(operator).get("/notifications/preferences/").content.decode()
    assert 'name="organization.verification_requested"' in html


def test_preferences_post_saves_and_ignores_mandatory(owner, client_for):
    client = client_for(owner)
    data = dict.fromkeys(
        client.get("/notifications/preferences/").context["form"].fields, Mode.IMMEDIATE
    )
    data["challenge.closed"] = Mode.DIGEST
    data["bid.withdrawn"] = Mode.OFF
    data["decision.selected"] = Mode.OFF  # tampered: not a field, ignored
    response = client.post("/notifications/preferences/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/notifications/preferences/"
    assert "Your notification settings are saved." in response.content.decode()
    stored = dict(Preference.objects.filter(user=owner).values_list("event", "mode"))
    assert stored["challenge.closed"] == Mode.DIGEST
    assert stored["bid.withdrawn"] == Mode.OFF
    assert "decision.selected" not in stored
    form = client.get("/notifications/preferences/").context["form"]
    assert form["challenge.closed"].initial == Mode.DIGEST


def test_preferences_post_rejects_unknown_mode(owner, client_for):
    response = client_for(owner).post("/notifications/preferences/", {"challenge.closed": "loud"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Preference.objects.exists()


def test_preferences_requires_login(db, client):
    response = client.get("/notifications/preferences/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
