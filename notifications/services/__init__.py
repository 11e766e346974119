"""Write operations of the notification outbox, by topic.

`outbox` (`notify()`, queueing), `sending` (what the worker runs), `sweeping`
(the beat sweeper and operators' retry), `inbox` (read marks, preferences).
"""

from .inbox import (
    notification_mark_read,
    notifications_mark_all_read,
    preferences_update,
    unsubscribe,
)
from .outbox import (
    PUBLISHERS,
    effective_mode,
    enqueue_deliveries,
    enqueue_digests,
    notify,
    stored_modes,
)
from .sending import (
    CLOCK_TOLERANCE,
    MAX_BACKOFF_SECONDS,
    SendResult,
    _backoff,
    delivery_send,
    digest_send,
)
from .sweeping import Sweep, deliveries_requeue_stale, deliveries_retry

__all__ = [
    "CLOCK_TOLERANCE",
    "MAX_BACKOFF_SECONDS",
    "PUBLISHERS",
    "SendResult",
    "Sweep",
    "_backoff",
    "deliveries_requeue_stale",
    "deliveries_retry",
    "delivery_send",
    "digest_send",
    "effective_mode",
    "enqueue_deliveries",
    "enqueue_digests",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notify",
    "preferences_update",
    "stored_modes",
    "unsubscribe",
]
