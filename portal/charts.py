"""Server-side SVG charts: bars, a funnel and a timeline. No JavaScript, no CDN.

Each chart is an `<svg role="img">` named by its `<title>` and described by
its `<desc>` (pages put a data table beside it as well). Every text is
escaped here; labels come translated from the caller, numbers and dates are
formatted for the active locale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

WIDTH = 640
ROW = 30
LABEL_WIDTH = 210
PALETTE = {"primary": "#1f5fa8", "ok": "#1b7f4b", "warn": "#a15c00", "muted": "#667085"}


def number(value: float | int) -> str:
    """A number as the reader writes it (grouping and decimal separator of the locale)."""
    return formats.number_format(value, force_grouping=True)


def percent(part: int, whole: int) -> str:
    """`part` of `whole` as a whole percentage in the reader's locale, e.g. "42 %"."""
    share = round(100 * part / whole) if whole else 0
    return _("%(percent)s %%") % {"percent": number(share)}


def _frame(chart_id: str, title: str, desc: str, height: int, body: str) -> SafeString:
    return mark_safe(  # nosec B308 B703  # every text in `body` and here is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="#1d2939">{escape(text)}</text>'
    )


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# --------------------------------------------------------------------------- bars
def bar_chart(
    *, chart_id: str, title: str, desc: str, items: Sequence[tuple[str, int]]
) -> SafeString:
    """Horizontal bars, one per (label, value), longest value = full width."""
    top = max((value for _label, value in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 70
    rows = []
    for index, (label, value) in enumerate(items):
        y = 10 + index * ROW
        length = max(2.0, span * value / top) if value else 0
        rows.append(
            f"<g>{_text(LABEL_WIDTH - 8, y + 15, _short(label), anchor='end')}"
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW - 10}" '
            f'rx="3" fill="{PALETTE["primary"]}"></rect>'
            f"{_text(LABEL_WIDTH + length + 6, y + 15, number(value))}</g>"
        )
    if not rows:
        rows.append(_text(WIDTH / 2, 24, _("No data yet."), anchor="middle"))
    return _frame(chart_id, title, desc, 20 + max(len(items), 1) * ROW, "".join(rows))


# --------------------------------------------------------------------------- funnel
def funnel_chart(
    *, chart_id: str, title: str, desc: str, steps: Sequence[tuple[str, int]]
) -> SafeString:
    """Centred bars narrowing step by step, with each step's share of the first."""
    first = steps[0][1] if steps else 0
    top = max((value for _label, value in steps), default=0) or 1
    centre, span, height = WIDTH / 2 + 60, WIDTH - LABEL_WIDTH - 40, 38
    rows = []
    for index, (label, value) in enumerate(steps):
        y = 10 + index * height
        width = max(4.0, span * value / top)
        figure = f"{number(value)} · {percent(value, first)}"
        if width >= 110:  # inside the bar, in white
            value_text = (
                f'<text x="{centre:.1f}" y="{y + 20}" text-anchor="middle" font-size="13" '
                f'font-weight="700" fill="#ffffff">{escape(figure)}</text>'
            )
        else:  # beside a narrow bar, in ink
            value_text = _text(centre + width / 2 + 6, y + 20, figure)
        rows.append(
            f"<g>{_text(LABEL_WIDTH - 30, y + 20, _short(label, 26), anchor='end')}"
            f'<rect x="{centre - width / 2:.1f}" y="{y}" width="{width:.1f}" height="{height - 8}" '
            f'rx="4" fill="{PALETTE["primary"]}" fill-opacity="{1 - index * 0.12:.2f}"></rect>'
            f"{value_text}</g>"
        )
    return _frame(chart_id, title, desc, 20 + max(len(steps), 1) * height, "".join(rows))


# --------------------------------------------------------------------------- timeline
@dataclass(frozen=True)
class TimelinePoint:
    at: dt.datetime
    label: str
    kind: str  # a key of `kinds` passed to timeline_chart


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    first = start.replace(day=1)
    months = []
    while first <= end:
        if first >= start:
            months.append(first)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    return months


def _legend(kinds: dict[str, tuple[str, str]], shown: set[str], y: float) -> list[str]:
    parts, x = [], 10
    for kind, (colour, label) in kinds.items():
        if kind not in shown:
            continue
        parts.append(f'<circle cx="{x + 6}" cy="{y - 4}" r="5" fill="{PALETTE[colour]}"/>')
        parts.append(_text(x + 16, y, label))
        x += 30 + 8 * len(label)
    return parts


def timeline_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[TimelinePoint],
    kinds: dict[str, tuple[str, str]],
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
) -> SafeString:
    """One row per point on a date axis from `start` to `end`, with a "today" line.

    `kinds`: kind → (colour key of PALETTE, translated legend label).
    """
    now = now or timezone.now()
    left, right, top = LABEL_WIDTH, WIDTH - 20, 34
    total = (end - start).total_seconds() or 1

    def x_of(moment: dt.datetime) -> float:
        share = min(max((moment - start).total_seconds() / total, 0), 1)
        return left + share * (right - left)

    height = top + max(len(points), 1) * 24 + 40
    bottom = height - 34
    parts = [f'<line x1="{left}" y1="{top - 6}" x2="{right}" y2="{top - 6}" stroke="#98a2b3"/>']
    for month in _months(timezone.localtime(start).date(), timezone.localtime(end).date()):
        x = x_of(timezone.make_aware(dt.datetime.combine(month, dt.time())))
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 10}" x2="{x:.1f}" y2="{bottom}" stroke="#eaecf0"/>'
        )
        parts.append(
            _text(x + 3, top - 14, formats.date_format(month, "YEAR_MONTH_FORMAT"), size=11)
        )
    today = x_of(now)
    parts.append(
        f'<line x1="{today:.1f}" y1="{top - 10}" x2="{today:.1f}" y2="{bottom}" '
        f'stroke="{PALETTE["warn"]}" stroke-dasharray="4 3"/>'
    )
    today_label = pgettext("the present day on a timeline", "today")
    parts.append(_text(today, height - 20, today_label, anchor="middle"))
    for index, point in enumerate(points):
        y = top + 12 + index * 24
        colour = PALETTE[kinds.get(point.kind, ("muted", ""))[0]]
        when = formats.date_format(timezone.localtime(point.at), "SHORT_DATE_FORMAT")
        parts.append(_text(left - 8, y + 4, _short(point.label, 28), anchor="end"))
        parts.append(
            f'<circle cx="{x_of(point.at):.1f}" cy="{y}" r="6" fill="{colour}">'
            f"<title>{escape(point.label)} · {escape(when)}</title></circle>"
        )
    if not points:
        empty = _("Nothing in this period.")
        parts.append(_text((left + right) / 2, top + 16, empty, anchor="middle"))
    shown = {point.kind for point in points} | {"deadline", "decision"}
    parts += _legend(kinds, shown, height - 4)
    return _frame(chart_id, title, desc, height + 6, "".join(parts))
