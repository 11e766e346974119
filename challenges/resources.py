"""The programme office's spreadsheets of challenges and bids (CSV and XLSX)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.resources import ColumnsResource, local_time, safe_text

from .models import Challenge


def _decimal(value) -> str:
    return "" if value is None else str(value)


def challenge_resource() -> ColumnsResource:
    def modes(c: Challenge) -> str:
        return ", ".join(c.mode_labels())

    return ColumnsResource(
        [
            ("id", _("Challenge"), lambda c: c.pk),
            ("title", _("Title"), lambda c: safe_text(c.title)),
            ("organization", _("Demand entity"), lambda c: safe_text(c.organization.legal_name)),
            ("country", _("Country"), lambda c: str(c.organization.country.name)),
            ("sector", _("Sector"), lambda c: c.get_sector_display() if c.sector else ""),
            ("state", _("State"), lambda c: str(c.get_state_display())),
            ("modes", _("Cooperation modes sought"), modes),
            ("budget_min", _("Budget from"), lambda c: _decimal(c.budget_min)),
            ("budget_max", _("Budget up to"), lambda c: _decimal(c.budget_max)),
            ("currency", _("Currency"), lambda c: c.currency),
            ("deadline", _("Bidding deadline"), lambda c: local_time(c.deadline)),
            ("published", _("Published"), lambda c: local_time(c.published_at)),
            ("bids", _("Bids in competition"), lambda c: c.bid_count),
        ],
        title=_("Challenges"),
    )


def bid_resource() -> ColumnsResource:
    return ColumnsResource(
        [
            ("id", _("Bid"), lambda b: b.pk),
            ("challenge", _("Challenge"), lambda b: b.challenge_id),
            ("challenge_title", _("Challenge title"), lambda b: safe_text(b.challenge.title)),
            ("applicant", _("Lead organizer"), lambda b: safe_text(b.applicant.legal_name)),
            ("state", _("Bid state"), lambda b: str(b.get_state_display())),
            ("submitted", _("Submitted"), lambda b: local_time(b.submitted_at)),
            ("lead", _("Lead researcher"), lambda b: safe_text(b.lead_name)),
            ("budget", _("Budget"), lambda b: _decimal(b.budget_total)),
            ("currency", _("Currency"), lambda b: b.currency),
            ("months", _("Duration (months)"), lambda b: b.duration_months or ""),
            ("partners", _("Accepted partners"), lambda b: b.accepted_partners),
        ],
        title=_("Bids"),
    )


__all__ = ["bid_resource", "challenge_resource"]
