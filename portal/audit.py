"""The audit trail for the programme office: search (django-filter, paginated) and CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from core.enums import AuditAction
from core.models import AuditEntry
from entities.rules import is_operator

PAGE_SIZE = 50
_DATE = forms.DateInput(attrs={"type": "date"})


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        label=gettext_lazy("Who (e-mail address or user number)"), method="filter_actor"
    )
    action = django_filters.CharFilter(
        label=gettext_lazy("Action code (e.g. auth.login_failed, bid.submit, file.)"),
        method="filter_action",
    )
    object = django_filters.CharFilter(
        label=gettext_lazy("Object (name, type or number)"), method="filter_object"
    )
    organization = django_filters.CharFilter(
        label=gettext_lazy("Organization (name or number)"), method="filter_organization"
    )
    since = django_filters.DateFilter(
        label=gettext_lazy("From (date)"), field_name="at", lookup_expr="date__gte", widget=_DATE
    )
    until = django_filters.DateFilter(
        label=gettext_lazy("Until (date, inclusive)"),
        field_name="at",
        lookup_expr="date__lte",
        widget=_DATE,
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def filter_actor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if value.isdigit():
            return queryset.filter(actor_id=int(value))
        return queryset.filter(actor__email__icontains=value)

    def filter_action(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(action__istartswith=value.strip())

    def filter_object(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        query = Q(object_label__icontains=value) | Q(object_type__iexact=value)
        if value.isdigit():
            query |= Q(object_id=value)
        return queryset.filter(query)

    def filter_organization(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if value.isdigit():
            return queryset.filter(organization_id=int(value))
        return queryset.filter(organization_label__icontains=value)


def _operator_or_404(request: HttpRequest) -> None:
    if not is_operator(request.user):
        raise Http404


def _filtered(request: HttpRequest) -> AuditFilter:
    return AuditFilter(request.GET, queryset=AuditEntry.objects.select_related("actor"))


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Search the audit trail (operators only; a 404 for anyone else)."""
    _operator_or_404(request)
    filterset = _filtered(request)
    entries = filterset.qs if filterset.is_valid() else AuditEntry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/audit.html",
        {
            "filter": filterset,
            "page_obj": page,
            "entries": page.object_list,
            "actions": AuditAction.choices,
            "query": request.GET.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet must not run what an attacker typed as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(entries: QuerySet) -> Iterator[list[str]]:
    yield [
        _("When (UTC)"),
        _("Who"),
        _("Action"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Organization id"),
        _("Organization"),
        _("Client address"),
        _("Browser"),
        _("Details"),
    ]
    for e in entries.iterator(chunk_size=2000):
        yield [
            _cell(v)
            for v in (
                e.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
                e.actor.email if e.actor else (f"#{e.actor_id}" if e.actor_id else ""),
                e.action,
                e.object_type,
                e.object_id,
                e.object_label,
                e.organization_id,
                e.organization_label,
                e.ip_address,
                e.user_agent,
                json.dumps(e.details, ensure_ascii=False, sort_keys=True) if e.details else "",
            )
        ]


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as CSV, streamed row by row; the export itself is recorded."""
    _operator_or_404(request)
    filterset = _filtered(request)
    if not filterset.is_valid():
        return audit_trail(request)
    audit_record(AuditAction.AUDIT_EXPORTED, details={"filters": request.GET.dict()})
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rows(filterset.qs)), content_type="text/csv"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
