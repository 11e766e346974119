"""Spreadsheet downloads (CSV and XLSX) built with django-import-export, for every app.

A `ColumnsResource` is a list of (key, translated heading, value function) over
rows a selector loaded; `download()` wraps the file in a private attachment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats

FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Column = tuple[str, Any, Callable[[Any], Any]]


def safe_text(value: Any) -> str:
    """Text that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def local_time(value: dt.datetime | None) -> str:
    """A date-time in the portal's time zone as "YYYY-MM-DD HH:MM" (XLSX has no time zones)."""
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class ColumnsResource(resources.Resource):
    """An export defined by its columns (no model fields exposed by accident)."""

    def __init__(self, columns: Sequence[Column], *, title: str) -> None:
        super().__init__()
        self.title = title
        self.fields = {
            key: Field(column_name=str(label), dehydrate_method=method)
            for key, label, method in columns
        }

    def export_rows(self, rows: Iterable[Any], fmt: str) -> bytes | str:
        """The rows rendered as "csv" or "xlsx"."""
        dataset = self.export(list(rows))
        dataset.title = str(self.title)[:31]
        return FORMATS[fmt]().export_data(dataset)


def download(content: bytes | str, fmt: str, name: str) -> HttpResponse:
    """A private, uncached attachment named `<name>-<local time>.<fmt>`."""
    response = HttpResponse(content, content_type=FORMATS[fmt]().get_content_type())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
