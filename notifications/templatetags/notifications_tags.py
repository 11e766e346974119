from __future__ import annotations

from django import template

from notifications import selectors

register = template.Library()

CACHE_ATTR = "_notifications_unread_count"


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """The signed-in user's unread count: at most one query per request."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    if request is None:
        return selectors.unread_count(user)
    count = getattr(request, CACHE_ATTR, None)
    if count is None:
        count = selectors.unread_count(user)
        setattr(request, CACHE_ATTR, count)
    return count
