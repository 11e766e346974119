"""Writing the audit trail: `audit_record` for one action, `audit_transitions` for state changes.

The request being served (set by `core.middleware.AuditContextMiddleware`)
supplies the actor, client address and browser when the caller does not, so
services deep below a view record "from where" without taking `request`.
The client address comes from allauth's adapter, which honours
`ALLAUTH_TRUSTED_PROXY_COUNT` (the proxy header is only trusted behind the
proxy).
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models

from .models import AuditEntry

_REQUEST: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_request", default=None)

_BROWSERS = (
    ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Opera", r"OPR/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Safari", r"Version/(\d+).*Safari"),
    ("curl", r"curl/(\d+)"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iOS", "iPhone"),
    ("iOS", "iPad"),
    ("Windows", "Windows"),
    ("macOS", "Mac OS X"),
    ("Linux", "Linux"),
)


@contextmanager
def request_context(request: Any) -> Iterator[None]:
    """Make `request` the source of actor, address and browser for entries written inside."""
    token = _REQUEST.set(request)
    try:
        yield
    finally:
        _REQUEST.reset(token)


def current_request() -> Any:
    return _REQUEST.get()


def user_agent_summary(user_agent: str) -> str:
    """'Firefox 128 on Linux' from a User-Agent header (the full string is not kept)."""
    if not user_agent:
        return ""
    browser = next(
        (f"{name} {m.group(1)}" for name, rx in _BROWSERS if (m := re.search(rx, user_agent))),
        "",
    )
    system = next((name for name, token in _SYSTEMS if token in user_agent), "")
    summary = " on ".join(part for part in (browser, system) if part)
    return (summary or user_agent)[:120]


def client_address(request: Any) -> str | None:
    """The client's IP address as allauth sees it (trusted proxy count applied)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or None
    except (PermissionDenied, ValueError):
        return None


def _organization_of(obj: Any) -> tuple[int | None, str]:
    if obj is None:
        return None, ""
    if obj._meta.model_name == "organization":
        return obj.pk, str(obj)[:255]
    for attr in ("organization", "applicant"):
        field = getattr(type(obj), attr, None)
        if field is not None and getattr(obj, f"{attr}_id", None) is not None:
            org = getattr(obj, attr)
            return org.pk, str(org)[:255]
    return None, ""


def object_label(obj: models.Model) -> str:
    """How an entry names an object; a person is named by number only (no personal data)."""
    if obj._meta.model_name == "user":
        return f"user #{obj.pk}"
    return str(obj)[:255]


def audit_entry(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    organization: models.Model | None = None,
    details: dict[str, Any] | None = None,
    request: Any = None,
    at: Any = None,
) -> AuditEntry:
    """An unsaved entry; actor, address and browser default to the current request's."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    org_id, org_label = _organization_of(organization if organization is not None else obj)
    entry = AuditEntry(
        actor_id=getattr(actor, "pk", None),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=object_label(obj) if obj is not None else "",
        organization_id=org_id,
        organization_label=org_label,
        details=details or {},
    )
    if at is not None:
        entry.at = at
    if request is not None:
        entry.ip_address = client_address(request)
        entry.user_agent = user_agent_summary(request.META.get("HTTP_USER_AGENT", ""))
    return entry


def audit_record(action: str, **kwargs: Any) -> AuditEntry:
    """Append one entry to the audit trail (see `audit_entry` for the arguments)."""
    entry = audit_entry(action, **kwargs)
    entry.save(force_insert=True)
    return entry


#: Relations an object's label or organization is read from, loaded once per batch.
_LABEL_RELATIONS = ("organization", "applicant", "challenge", "milestone", "bid")


def audit_transitions(changes: Sequence[Any]) -> None:
    """The transition engine's observer: one entry per state change, "<machine>.<action>".

    A batch (`Machine.apply_many`) is written with one INSERT, and the
    relations its labels need are loaded once, whatever the batch size.
    """
    if not changes:
        return
    objs = [change.obj for change in changes]
    field_names = {f.name for f in objs[0]._meta.get_fields() if f.many_to_one or f.one_to_one}
    relations = [name for name in _LABEL_RELATIONS if name in field_names]
    if relations:
        models.prefetch_related_objects(objs, *relations)
    entries = [
        audit_entry(
            f"{change.machine.name}.{change.action}",
            actor=change.by if getattr(change.by, "pk", None) else None,
            obj=change.obj,
            details={
                "from": change.from_state,
                "to": change.to_state,
                **({"reason": change.reason} if change.reason else {}),
            },
            at=change.now,
        )
        for change in changes
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
