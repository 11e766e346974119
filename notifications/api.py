"""REST endpoint of the inbox (mounted by `api` under `/api/v1/organization/`).

`request.auth` is a personal access token; the notifications are its user's
(the inbox has no organization: a notification concerns a person).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from core.api import Page, PageQuery, paginate, responses

from . import selectors
from .models import Notification
from .rendering import absolute_url, render_message

router = Router(tags=["Your organization"])


class NotificationOut(Schema):
    id: int
    event: str = Field(description="The kind of notification, e.g. “bid.submitted”.")
    subject: str
    body: str
    url: str = Field(description="The page it is about, or an empty string.")
    created_at: dt.datetime
    read: bool


class InboxFilter(Schema):
    unread: bool = Field(False, description="Only notifications not read yet.")


def _notification(notification: Notification) -> dict:
    message = render_message(notification.kind, notification.context, absolute=False)
    return {
        "id": notification.pk,
        "event": notification.event,
        "subject": message.subject,
        "body": message.body,
        "url": absolute_url(notification.url) if notification.url else "",
        "created_at": notification.created_at,
        "read": not notification.is_unread,
    }


@router.get(
    "/notifications/",
    response=responses(Page[NotificationOut], token=True),
    summary="Your notifications",
)
def my_notifications(request: HttpRequest, filters: Query[InboxFilter], paging: Query[PageQuery]):
    """The token user's notifications, newest first, in the language of the request."""
    notifications = selectors.inbox(request.auth.user, unread_only=filters.unread)
    return paginate(notifications, paging, _notification)
