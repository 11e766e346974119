"""Read-only audit views of decisions and the evaluation history for operators in /admin/."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..models import Decision, EvaluationEvent, SupersededDecision


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit views: everything changes through the evaluation pages and their services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("challenge", "bid", "decided_by", "decided_at")
    list_select_related = ("challenge", "bid__applicant", "bid__challenge", "decided_by")
    readonly_fields = ("challenge", "bid", "rationale", "ranking", "decided_by", "decided_at")


@admin.register(SupersededDecision)
class SupersededDecisionAdmin(ReadOnlyAdmin):
    list_display = ("challenge", "bid", "decided_at", "superseded_by", "superseded_at")
    list_select_related = ("challenge", "bid__applicant", "bid__challenge", "superseded_by")
    readonly_fields = (
        "challenge",
        "bid",
        "rationale",
        "ranking",
        "decided_by",
        "decided_at",
        "quorum_override",
        "superseded_by",
        "superseded_at",
        "reason",
    )


@admin.register(EvaluationEvent)
class EvaluationEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "challenge", "action", "actor", "subject")
    list_filter = ("action",)
    list_select_related = ("challenge", "actor")
    search_fields = ("challenge__title", "subject")
    date_hierarchy = "at"
