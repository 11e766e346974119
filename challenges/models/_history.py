"""Who changed a state, when, from what to what, and why (the transition history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from entities.models import EligibilityRecord


class TransitionLog(models.Model):
    """Who changed the state, when, from what to what, and why."""

    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=32)
    to_state = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    eligibility_record = models.ForeignKey(
        EligibilityRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    states: type[models.TextChoices]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state} at {self.at:%Y-%m-%d %H:%M}"

    def _label(self, value: str) -> str:
        try:
            return str(self.states(value).label)
        except ValueError:
            return value

    @property
    def from_label(self) -> str:
        return self._label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._label(self.to_state)
