"""The ranking table as a django-import-export Resource (CSV and XLSX downloads)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats

from .models import Criterion
from .selectors import RankingRow

FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """Text that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


class RankingResource(resources.Resource):
    """One row per bid in ranking order; one extra column per rubric criterion (its mean)."""

    def __init__(self, criteria: Sequence[Criterion] = ()) -> None:
        super().__init__()
        columns: list[tuple[str, str, Any]] = [
            ("rank", _("Rank"), lambda row: row.rank),
            ("bid", _("Bid"), lambda row: row.bid.pk),
            ("applicant", _("Lead organizer"), lambda row: safe_text(row.bid.applicant.legal_name)),
            ("state", _("Bid state"), lambda row: str(row.bid.get_state_display())),
            ("reviews", _("Reviews"), lambda row: row.panel.count),
            ("score", _("Panel score (0–100)"), lambda row: row.score),
            ("mean", _("Mean"), lambda row: row.mean),
            ("trimmed_mean", _("Trimmed mean (5+ reviews)"), lambda row: row.trimmed_mean),
            ("minimum", _("Lowest review"), lambda row: row.minimum),
            ("maximum", _("Highest review"), lambda row: row.maximum),
            ("spread", _("Spread (max − min)"), lambda row: row.spread),
            ("stdev", _("Standard deviation"), lambda row: row.stdev),
            (
                "disagree",
                _("Reviewers disagree"),
                lambda row: _("yes") if row.panel.disagree else "",
            ),
        ]
        for criterion in criteria:
            columns.append(
                (
                    f"criterion_{criterion.pk}",
                    safe_text(
                        _("%(name)s (mean, 0–%(max)s)")
                        % {"name": criterion.name, "max": criterion.max_score}
                    ),
                    _criterion_mean(criterion.pk),
                )
            )
        self.fields = {
            name: Field(column_name=label, dehydrate_method=method)
            for name, label, method in columns
        }

    def export_rows(self, rows: Sequence[RankingRow], fmt: str) -> bytes | str:
        """The rows rendered as "csv" or "xlsx"."""
        dataset = self.export(rows)
        dataset.title = _("Ranking")[:31]
        return FORMATS[fmt]().export_data(dataset)


def _criterion_mean(key: int):
    def dehydrate(row: RankingRow) -> float | None:
        return row.criterion_means.get(key)

    return dehydrate
