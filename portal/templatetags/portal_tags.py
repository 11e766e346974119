from django import template

from entities.eligibility import EligibilityReport

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def get_field(form, name):
    return form[name]


_STATE_CLASSES = {
    "listed": "badge-ok",
    "submitted": "badge-info",
    "selected": "badge-ok",
    "validated": "badge-ok",
    "accepted": "badge-ok",
    "confirmed": "badge-ok",
    "verified": "badge-ok",
    "draft": "badge-warn",
    "invited": "badge-warn",
    "pending": "badge-warn",
    "unverified": "badge-warn",
    "reported": "badge-info",
    "rejected": "badge-bad",
    "withdrawn": "badge-bad",
    "cancelled": "badge-bad",
    "failed_validation": "badge-bad",
    "ineligible": "badge-bad",
    "not_selected": "badge-bad",
    "declined": "badge-bad",
    "returned": "badge-bad",
}


@register.filter
def state_class(state: str) -> str:
    """CSS badge class for a state value."""
    return _STATE_CLASSES.get(str(state), "badge-info")


@register.filter
def localized_results(record):
    """A stored eligibility record's results, re-rendered in the reader's language."""
    if record is None:
        return []
    try:
        return EligibilityReport.from_dict(record.report).results
    except (KeyError, TypeError, ValueError):
        return record.results  # an unreadable snapshot: show it as stored


@register.simple_tag
def elided_pages(page_obj) -> list:
    """Page numbers around the current one and at both ends, `Paginator.ELLIPSIS` between.

    Never every page number: a listing of 100,000 challenges has 8,334 pages.
    """
    if page_obj is None:
        return []
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)
    )
