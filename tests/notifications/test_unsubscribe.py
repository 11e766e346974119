"""The unsubscribe link: works without signing in; valid, tampered, expired."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Mode, Preference
from notifications.rendering import unsubscribe_token


def url(user, event="challenge.closed"):
    return reverse("notifications:unsubscribe", args=[unsubscribe_token(user.pk, event)])


def test_unsubscribe_get_asks_for_confirmation_without_login(owner, client):
    response = client.get(url(owner))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Applications for a challenge close" in html
    assert owner.email in html
    assert not Preference.objects.exists()  # GET changes nothing (link scanners)


def test_unsubscribe_post_switches_that_event_off(owner):
    client = Client(enforce_csrf_checks=True)  # mail clients have no CSRF token
    response = client.post(url(owner), {"scope": "event"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert dict(Preference.objects.values_list("event", "mode")) == {"challenge.closed": Mode.OFF}


def test_unsubscribe_one_click_post(owner):
    # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" to the header URL
    response = Client(enforce_csrf_checks=True).post(url(owner), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preference.objects.get(user=owner, event="challenge.closed").mode == Mode.OFF


def test_unsubscribe_from_all_optional_emails(owner, client):
    client.post(url(owner), {"scope": "all"})
    stored = dict(Preference.objects.filter(user=owner).values_list("event", "mode"))
    assert stored["*"] == Mode.OFF
    assert stored["bid.withdrawn"] == Mode.OFF
    assert "decision.selected" not in stored


def test_unsubscribe_all_token_from_the_digest(owner, client):
    response = client.get(url(owner, "*"))
    assert "Stop all optional notification e-mails" in response.content.decode()
    client.post(url(owner, "*"), {"scope": "all"})
    assert Preference.objects.get(user=owner, event="*").mode == Mode.OFF


def test_unsubscribe_tampered_token_is_rejected(owner, client):
    token = unsubscribe_token(owner.pk, "challenge.closed")
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    for method in (client.get, client.post):
        response = method(reverse("notifications:unsubscribe", args=[tampered]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    assert not Preference.objects.exists()


def test_unsubscribe_token_of_another_user_id_cannot_be_forged(owner, outsider, client):
    # the outsider's payload with the owner's signature
    signature = unsubscribe_token(owner.pk, "challenge.closed").split(":", 1)[1]
    payload = unsubscribe_token(outsider.pk, "challenge.closed").split(":", 1)[0]
    forged = f"{payload}:{signature}"
    assert client.get(reverse("notifications:unsubscribe", args=[forged])).status_code == 400


def test_unsubscribe_expired_token_says_so(owner, client, settings):
    link = url(owner)
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE + 60)
    with time_machine.travel(later):
        response = client.post(link, {"scope": "event"})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Preference.objects.exists()


def test_unsubscribe_mandatory_event_is_refused(owner, client):
    response = client.post(url(owner, "decision.selected"), {"scope": "event"})
    assert response.status_code == 200
    assert "cannot be switched off" in response.content.decode()
    assert not Preference.objects.exists()


def test_unsubscribe_unknown_user_or_event(owner, client):
    assert client.get(url(owner, "no.such_event")).status_code == 400
    owner.is_active = False
    owner.save()
    assert client.get(url(owner)).status_code == 400
