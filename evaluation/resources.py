"""The ranking table as a django-import-export Resource (CSV and XLSX downloads)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field

from core.resources import FORMATS, ColumnsResource, local_time, safe_text

from .models import Criterion
from .selectors import RankingRow
from .selectors.exports import ReviewRow

__all__ = ["FORMATS", "RankingResource", "review_resource", "safe_text"]


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


def review_resource() -> ColumnsResource:
    """Every review: who reviewed which bid, its state, total and scores (operators only)."""

    def reviewer(row: ReviewRow) -> str:
        user = row.review.assignment.reviewer
        return safe_text(user.full_name or user.email) if user else ""

    return ColumnsResource(
        [
            ("id", _("Review"), lambda r: r.review.pk),
            ("challenge", _("Challenge"), lambda r: r.review.bid.challenge_id),
            (
                "challenge_title",
                _("Challenge title"),
                lambda r: safe_text(r.review.bid.challenge.title),
            ),
            ("bid", _("Bid"), lambda r: r.review.bid_id),
            (
                "applicant",
                _("Lead organizer"),
                lambda r: safe_text(r.review.bid.applicant.legal_name),
            ),
            ("reviewer", _("Reviewer"), reviewer),
            ("status", _("Review state"), lambda r: str(r.review.get_status_display())),
            ("submitted", _("Submitted"), lambda r: local_time(r.review.submitted_at)),
            ("total", _("Total (0–100)"), lambda r: "" if r.total is None else r.total),
            ("scores", _("Scores"), lambda r: safe_text(r.scores)),
            ("comment", _("Overall comment"), lambda r: safe_text(r.review.overall_comment)),
        ],
        title=_("Reviews"),
    )
