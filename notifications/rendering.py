"""Turning a stored notification into words and e-mails, in the active language.

Nothing here touches the database except through the objects passed in; the
caller activates the recipient's language (`translation.override`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formats import format_list
from core.multilingual import pick_version

from .events import Event

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ALL_OPTIONAL = "*"


class _Values(dict):
    """Format values for one event: formatted on lookup, "" (logged) when missing."""

    def __init__(self, event: Event, context: Mapping[str, Any]) -> None:
        super().__init__(context)
        self.event = event

    def __missing__(self, key: str) -> str:
        log.warning("notification %s: context has no %r", self.event.key, key)
        return ""

    def __getitem__(self, key: str) -> str:
        # A text stored in every language version (challenge titles): the reader's one.
        value = pick_version(super().__getitem__(key))
        if value is None:
            return ""
        formatter = self.event.formats.get(key)
        if formatter is not None:
            try:
                return formatter(value)
            except Exception:  # noqa: BLE001 - a bad value must not stop a delivery
                log.exception("notification %s: cannot format %r", self.event.key, key)
        if isinstance(value, list | tuple):
            return format_list(value)  # "a, b and c" / "a、b和c", per language
        return str(value)


def fill(template: Any, event: Event, context: Mapping[str, Any]) -> str:
    """Fill one translatable `%(name)s` string from the context."""
    text = str(template)
    try:
        return text % _Values(event, context)
    except (TypeError, ValueError, KeyError):
        log.exception("notification %s: cannot fill %r", event.key, text)
        return text


def absolute_url(path: str) -> str:
    """An absolute link for a site-relative path (SITE_URL + path)."""
    if not path:
        return settings.SITE_URL + "/"
    if path.startswith(("http://", "https://")):
        return path
    if not path.startswith("/"):
        path = "/" + path
    return settings.SITE_URL + path


@dataclass(frozen=True)
class FeedbackRow:
    criterion: str
    score: str
    max: str
    comment: str


@dataclass(frozen=True)
class Message:
    """One notification in words."""

    event: Event
    subject: str
    body: str
    action: str
    url: str
    feedback_rows: Sequence[FeedbackRow]
    feedback_text: str

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @property
    def feedback_lines(self) -> list[str]:
        """The feedback as plain-text lines (for the text e-mail)."""
        lines = []
        for row in self.feedback_rows:
            score = f"{row.score}/{row.max}" if row.max else row.score
            line = f"- {row.criterion}: {score}"
            if row.comment:
                line += f" — {row.comment}"
            lines.append(line)
        return lines


def _feedback(value: Any) -> tuple[list[FeedbackRow], str]:
    if not value:
        return [], ""
    if isinstance(value, str):
        return [], value
    rows = []
    if isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, Mapping):
                rows.append(
                    FeedbackRow(
                        criterion=str(item.get("criterion", "")),
                        score="" if item.get("score") is None else str(item.get("score")),
                        max="" if item.get("max") is None else str(item.get("max")),
                        comment=str(item.get("comment") or ""),
                    )
                )
            else:
                rows.append(FeedbackRow(criterion=str(item), score="", max="", comment=""))
    return rows, ""


def render_message(event: Event, context: Mapping[str, Any], *, absolute: bool) -> Message:
    """Words for one event in the active language; links absolute for e-mail."""
    context = context or {}
    rows, text = _feedback(context.get("feedback"))
    url = str(context.get("url") or "")
    return Message(
        event=event,
        subject=" ".join(fill(event.subject, event, context).split()),
        body=fill(event.body, event, context).strip(),
        action=str(event.action),
        url=absolute_url(url) if absolute else url,
        feedback_rows=rows,
        feedback_text=text,
    )


# --------------------------------------------------------------------------- unsubscribe tokens
def unsubscribe_token(user_id: int, event: str) -> str:
    """A signed, time-stamped token that turns off e-mails of `event` ("*": all optional)."""
    return signing.dumps({"u": user_id, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user_id: int, event: str) -> str:
    """The absolute unsubscribe link for `user_id` and `event` (works without signing in)."""
    return absolute_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, event)])
    )


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, event) from a token; raises `signing.SignatureExpired` or `signing.BadSignature`."""
    data = signing.loads(
        token, salt=UNSUBSCRIBE_SALT, max_age=settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE
    )
    try:
        return int(data["u"]), str(data["e"])
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed unsubscribe token") from exc


# --------------------------------------------------------------------------- e-mails
def _subject(text: str) -> str:
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return " ".join(f"{prefix}{text}".split())


def _email(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe: str | None,
    language: str,
) -> EmailMultiAlternatives:
    headers = {"Content-Language": language, "Auto-Submitted": "auto-generated"}
    if unsubscribe:
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    context = {
        **context,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "inbox_url": absolute_url(reverse("notifications:inbox")),
        "unsubscribe_url": unsubscribe,
        "LANGUAGE_CODE": language,
    }
    text = render_to_string(f"email/{template}.txt", context)
    html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=_subject(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=list(settings.EMAIL_REPLY_TO),
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def build_email(
    *,
    to: str,
    event: Event,
    context: Mapping[str, Any],
    language: str,
    user: Any = None,
) -> EmailMultiAlternatives:
    """The e-mail for one notification, rendered in `language`.

    A non-mandatory e-mail to a user carries an unsubscribe link and header.
    """
    with translation.override(language):
        message = render_message(event, context, absolute=True)
        unsubscribe = (
            unsubscribe_url(user.pk, event.key)
            if user is not None and not event.mandatory
            else None
        )
        return _email(
            to=to,
            subject=message.subject,
            template="notification",
            context={
                "message": message,
                "user": user,
                "mandatory": event.mandatory,
                "title": message.subject,
            },
            unsubscribe=unsubscribe,
            language=language,
        )


def build_digest_email(
    *, to: str, user: Any, items: Iterable[tuple[Event, Mapping[str, Any]]], language: str
) -> EmailMultiAlternatives:
    """One e-mail summing up several notifications (the daily digest)."""
    with translation.override(language):
        messages = [render_message(event, context, absolute=True) for event, context in items]
        subject = ngettext(
            "Your daily summary: %(count)d notification",
            "Your daily summary: %(count)d notifications",
            len(messages),
        ) % {"count": len(messages)}
        return _email(
            to=to,
            subject=subject,
            template="digest",
            context={"messages": messages, "user": user, "title": _("Your daily summary")},
            unsubscribe=unsubscribe_url(user.pk, ALL_OPTIONAL),
            language=language,
        )
