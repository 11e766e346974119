def outbox_health():
    return {"pending": 0, "oldest_pending_age_seconds": None}
