"""The events table: complete, consistent, and every text renders from its context."""

from __future__ import annotations

import logging
import re

import pytest
from django.utils import translation

from notifications.events import (
    CATEGORIES,
    EVENTS,
    REGISTRY,
    Audience,
    Event,
    get_event,
    register,
    register_category,
)
from notifications.rendering import render_message

# The context keys each event is documented to receive (the contract with the callers).
CONTEXT_KEYS = {
    "organization.verification_requested": ["organization", "url"],
    "organization.verified": ["organization", "url"],
    "organization.rejected": ["organization", "reason", "url"],
    "organization.invitation": ["organization", "role", "invited_by", "expires_at", "url"],
    "organization.invitation_accepted": ["organization", "member", "url"],
    "challenge.submitted": ["challenge", "organization", "url"],
    "challenge.published": ["challenge", "url"],
    "challenge.returned": ["challenge", "comment", "url"],
    "challenge.rejected": ["challenge", "reason", "url"],
    "challenge.closed": ["challenge", "url"],
    "challenge.cancelled": ["challenge", "reason", "url"],
    "challenge.deadline_reminder": ["challenge", "deadline", "days", "url"],
    "bid.partner_invited": ["challenge", "applicant", "bid", "url"],
    "bid.partner_accepted": ["partner", "challenge", "url"],
    "bid.partner_declined": ["partner", "challenge", "reason", "url"],
    "bid.submitted": ["challenge", "applicant", "url"],
    "bid.withdrawn": ["challenge", "applicant", "url"],
    "review.assigned": ["challenge", "url"],
    "decision.selected": ["challenge", "url", "feedback"],
    "decision.not_selected": ["challenge", "url", "feedback"],
    "milestone.reported": ["challenge", "milestone", "url"],
    "milestone.accepted": ["challenge", "milestone", "url"],
    "milestone.rejected": ["challenge", "milestone", "comment", "url"],
    "challenge.validated": ["challenge", "url"],
    "challenge.validation_failed": ["challenge", "reason", "url"],
}


def sample(key: str) -> dict:
    values = {
        "role": "editor",
        "expires_at": "2026-03-01T10:00:00+08:00",
        "deadline": "2026-05-31T23:59:00+08:00",
        "days": 3,
        "url": "/somewhere/1/",
        "feedback": [{"criterion": "Impact", "score": 4, "max": 5, "comment": "Good"}],
    }
    return {name: values.get(name, f"<{name}>") for name in CONTEXT_KEYS[key]}


def test_every_prepopulated_event_is_defined():
    assert set(CONTEXT_KEYS) <= set(REGISTRY)


def test_event_keys_are_dotted_and_categories_known():
    for event in EVENTS:
        assert event.key.count(".") == 1, event.key
        assert event.category in CATEGORIES, event.key
        assert event.audience in Audience.values, event.key


def test_decisions_and_verification_results_are_mandatory():
    for key, event in REGISTRY.items():
        if key.startswith("decision."):
            assert event.mandatory, key
    assert REGISTRY["organization.verified"].mandatory
    assert REGISTRY["organization.rejected"].mandatory
    assert not REGISTRY["challenge.closed"].mandatory


@pytest.mark.parametrize("key", sorted(CONTEXT_KEYS))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_event_renders_all_its_context_without_warnings(key, language, caplog):
    context = sample(key)
    with caplog.at_level(logging.WARNING, logger="notifications"), translation.override(language):
        message = render_message(get_event(key), context, absolute=True)
    assert caplog.records == [], caplog.text
    assert message.subject and "%(" not in message.subject
    assert "%(" not in message.body
    assert message.action
    assert message.url.endswith("/somewhere/1/")
    rendered = message.subject + message.body
    used = [name for name in context if f"<{name}>" in rendered]
    missing = [
        name
        for name in context
        if name not in used
        and name not in {"url", "feedback", "role", "expires_at", "deadline", "days"}
    ]
    assert missing == [], f"{key}: context keys not shown: {missing}"


PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.key)
def test_every_event_text_is_a_valid_format_string(event):
    """Also covers rows other apps add: only %(name)s placeholders, all of them fillable."""
    for text in (event.subject, event.body, event.action, event.label):
        text = str(text)
        names = PLACEHOLDER.findall(text)
        stripped = PLACEHOLDER.sub("", text)
        assert "%(" not in stripped and "{" not in stripped, f"{event.key}: {text!r}"
        text % dict.fromkeys(names, "x")  # raises on a malformed placeholder


def test_register_refuses_a_key_defined_twice_and_an_unknown_category():
    first = REGISTRY["challenge.closed"]
    register(first)  # the same object again (a second ready()) is harmless
    clone = Event(key="challenge.closed", category="challenge", label="x", subject="x", body="x")
    with pytest.raises(ValueError, match="defined twice"):
        register(clone)
    stray = Event(key="stray.event", category="no-such-category", label="x", subject="x", body="x")
    with pytest.raises(ValueError, match="unknown category"):
        register(stray)
    assert "stray.event" not in REGISTRY


def test_each_app_registers_its_own_events_and_categories():
    """notifications knows no app: the rows come from each app's events.py at start-up."""
    import api.events
    import challenges.events
    import entities.events
    import evaluation.events

    owned = {
        "api": {e.key for e in api.events.EVENTS},
        "entities": {e.key for e in entities.events.EVENTS},
        "challenges": {e.key for e in challenges.events.EVENTS},
        "evaluation": {e.key for e in evaluation.events.EVENTS},
    }
    assert set().union(*owned.values()) == set(REGISTRY)
    assert all(key.startswith("organization.") for key in owned["entities"])
    assert {"review", "validation", "challenge", "bid", "organization"} <= set(CATEGORIES)
    assert register_category("challenge", "ignored").label == CATEGORIES["challenge"].label
