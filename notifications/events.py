"""The kinds of notification the portal sends: a registry that each app fills.

Each app declares its events in its own `events.py` (data only) and registers
them at start-up (`register(*EVENTS)` in its AppConfig.ready); this app knows
no other. Events are sent with `notify(recipients, "<thing>.<what_happened>",
obj, context)`, usually from a transition row's `emits`.

- `key`: a dotted name, "<thing>.<what happened>", unique.
- `category`: groups the event on the preferences page.
- `mandatory`: True for security/account e-mails, verification results and
  decisions on the recipient's own organization, challenge, bid or milestone.
  Mandatory events are always e-mailed immediately and cannot be switched off;
  they carry no unsubscribe link.
- `audience`: who may receive it, only used to decide which rows the
  preferences page shows (operators' and reviewers' events are hidden from
  everybody else).
- `label`: what the preferences page calls this kind of notification.
- `subject`, `body`, `action`: translatable `%(name)s` format strings filled
  from the `context` passed to `notify()`. A missing context key renders as
  an empty string (and is logged) rather than failing a delivery. `body` may
  contain blank lines between paragraphs. `action` labels the link to the
  object (`context["url"]`, a site-relative path).
- `formats`: optional per-key formatting of context values (dates, choice labels).

Context key "feedback" is special: a list of
{"criterion", "score", "max", "comment"} dicts (or a plain string) that the
e-mail and the inbox render after the body, as a table in HTML and as lines
in text. Do not reference it in `body`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from core import formats

log = logging.getLogger(__name__)

Formatter = Callable[[Any], str]


@dataclass(frozen=True)
class Category:
    """A group of events on the preferences page; each app registers its own."""

    key: str
    label: Any
    order: int = 50


#: key → Category; "account" and "other" are the outbox's own, apps add theirs.
CATEGORIES: dict[str, Category] = {}


def register_category(key: str, label: Any, order: int = 50) -> Category:
    """Declare a category (idempotent for the same key)."""
    return CATEGORIES.setdefault(key, Category(key, label, order))


ACCOUNT = register_category("account", _("Account and security"), 10)
OTHER = register_category("other", _("Other"), 99)


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    OPERATORS = "operators", _("Programme operators")
    REVIEWERS = "reviewers", _("Reviewers")


# --------------------------------------------------------------------------- formatters
def as_datetime(value: Any) -> str:
    """An ISO date-time (or date) string, shown in the portal's time zone and locale."""
    if isinstance(value, str):
        parsed = parse_datetime(value) or parse_date(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, dt.datetime):
        return formats.format_datetime(value)  # the reader's locale, with the time zone
    if isinstance(value, dt.date):
        return formats.format_date(value)
    return str(value)


def as_choice(choices: type[models.TextChoices]) -> Formatter:
    """Show a stored choice value with its (translated) label, e.g. "editor" → "Editor"."""

    def format_choice(value: Any) -> str:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)

    return format_choice


@dataclass(frozen=True)
class Event:
    """One kind of notification (see the module docstring)."""

    key: str
    category: str
    label: Any
    subject: Any
    body: Any
    action: Any = _("Open")
    mandatory: bool = False
    audience: str = Audience.EVERYONE
    formats: Mapping[str, Formatter] = field(default_factory=dict)

    @property
    def category_label(self) -> str:
        category = CATEGORIES.get(self.category)
        return str(category.label) if category else str(self.category)


# --------------------------------------------------------------------------- the registry
#: Every event, in registration order; filled by each app's `events.py` at start-up.
EVENTS: list[Event] = []
REGISTRY: dict[str, Event] = {}


def register(*events: Event) -> None:
    """Add an app's events (called from its AppConfig.ready); a key may be defined once."""
    for event in events:
        if event.key in REGISTRY:
            if REGISTRY[event.key] is event:
                continue
            raise ValueError(f"notification event {event.key!r} is defined twice")
        if event.category not in CATEGORIES:
            raise ValueError(
                f"notification event {event.key!r}: unknown category {event.category!r}"
            )
        REGISTRY[event.key] = event
        EVENTS.append(event)


# Used when a stored or requested key is not in the table (never in tests: they fail).
UNKNOWN_EVENT = Event(
    key="unknown",
    category=OTHER.key,
    label=_("Other notifications"),
    subject=_("You have a new notification"),
    body=_("There is news on the ASEAN–Guangxi AI Challenge Portal for you."),
    action=_("Open"),
)


class UnknownEvent(KeyError):
    """Raised (in the test suite) for an event key that is not in `EVENTS`."""


def strict_events() -> bool:
    """Unknown keys fail loudly in the test suite; a running server logs an error instead."""
    return bool(getattr(settings, "TESTING", False))


def get_event(key: str, *, strict: bool | None = None) -> Event:
    """The event for `key`; an unknown key raises (strict) or logs and returns a generic one."""
    event = REGISTRY.get(key)
    if event is not None:
        return event
    if strict if strict is not None else strict_events():
        raise UnknownEvent(f"unknown notification event {key!r}: declare it in its app's events.py")
    log.error("unknown notification event %r; sending generic text", key)
    return UNKNOWN_EVENT


def audience_allows(audience: str, user: Any) -> bool:
    """Whether `user` is among the people who may receive events of this audience."""
    if audience == Audience.OPERATORS:
        return bool(getattr(user, "is_staff", False))
    if audience == Audience.REVIEWERS:
        return bool(getattr(user, "is_reviewer", False) or getattr(user, "is_staff", False))
    return True
