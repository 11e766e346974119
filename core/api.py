"""Shared pieces of the REST API: page-number pagination and bounded ids.

Apps declare their endpoints in their own `api.py` (a ninja `Router` over
their selectors and `rules.py`); `api` mounts them under `/api/v1/`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Path, Schema
from pydantic.json_schema import SkipJsonSchema

T = TypeVar("T")

#: An optional query parameter: absent means "any"; never `null` in the schema (a query
#: string cannot carry one).
Absent = SkipJsonSchema[None]

#: Database ids are positive and fit in 32 bits; anything else is a 422, never a 500.
MAX_ID = 2**31 - 1
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]

PAGE_SIZE = 12  # as the public listing
MAX_PAGE_SIZE = 100
MAX_PAGE = 10_000


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 100)."
    )


class Page(Schema, Generic[T]):
    """One page of a list; `results` is empty past the last page."""

    count: int = Field(description="Items in the whole list.")
    page: int
    pages: int = Field(description="Number of pages.")
    results: list[T]


def paginate(items: QuerySet | list, query: PageQuery, convert=None) -> dict[str, Any]:
    """The requested page of `items` (a count query and a slice), converted item by item."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    start = (query.page - 1) * query.page_size
    chunk = list(items[start : start + query.page_size]) if start < count else []
    return {
        "count": count,
        "page": query.page,
        "pages": max(1, math.ceil(count / query.page_size)),
        "results": [convert(item) for item in chunk] if convert else chunk,
    }


class ErrorOut(Schema):
    """Every error answer: a sentence in the request's language, and for invalid parameters
    the list of what is wrong with which one."""

    detail: str
    errors: list[dict[str, Any]] = Field(default_factory=list)


#: The error answers every public operation may give.
PUBLIC_ERRORS = {frozenset({404, 422, 429}): ErrorOut}
#: … and those that need a token.
TOKEN_ERRORS = {frozenset({401, 404, 422, 429}): ErrorOut}


def responses(model: Any, *, token: bool = False) -> dict:
    """The documented answers of an operation: `model` on 200, `ErrorOut` on each error."""
    return {200: model, **(TOKEN_ERRORS if token else PUBLIC_ERRORS)}
