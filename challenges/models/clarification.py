"""Clarification questions of bidders about a challenge, and their published answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from entities.models import Organization

from ..enums import QuestionState
from .challenge import Challenge


class ClarificationQuestion(models.Model):
    """A question asked privately; once answered, question and answer are published
    on the challenge page without the asker's organization (rivals never see who asked)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="clarification_questions",
        verbose_name=_("asked for"),
    )
    question = models.TextField(_("question"), max_length=3000)
    answer = models.TextField(_("answer"), max_length=6000, blank=True)
    state = models.CharField(
        max_length=16, choices=QuestionState.choices, default=QuestionState.OPEN
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(_("moderation note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["challenge", "state"])]

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def is_published(self) -> bool:
        return self.state == QuestionState.ANSWERED
