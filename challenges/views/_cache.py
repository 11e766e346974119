"""The page cache of the anonymous challenge listing and detail (see `challenges.publiccache`).

Only anonymous GET requests without pending messages are served from the
cache, keyed by the language and the full URL; `Cache-Control: no-cache`
bypasses it. A cached page carries another visitor's CSRF token and CSP
nonce: both are replaced by this request's own before it is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.functional import cached_property
from django.utils.translation import get_language

from .. import publiccache

_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')


def _nonce(request: HttpRequest) -> str:
    return str(getattr(request, "csp_nonce", "") or "")


def _cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or not publiccache.timeout():
        return False
    if request.user.is_authenticated or request.headers.get("HX-Request"):
        return False
    if "no-cache" in request.headers.get("Cache-Control", ""):
        return False
    return not len(get_messages(request))


def _replay(request: HttpRequest, entry: dict) -> HttpResponse:
    content: bytes = entry["content"]
    token = get_token(request).encode()
    content = _CSRF_INPUT.sub(lambda m: m.group(1) + token + m.group(2), content)
    if entry["nonce"]:
        content = content.replace(entry["nonce"].encode(), _nonce(request).encode())
    response = HttpResponse(content, content_type=entry["content_type"])
    response["X-Page-Cache"] = "hit"
    return response


def anonymous_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page to anonymous visitors from the cache of the current generation."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with publiccache.pinned():
            return _serve(view, request, *args, **kwargs)

    return wrapped


def _serve(view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs):
    if not _cacheable(request):
        return view(request, *args, **kwargs)
    page_key = publiccache.key("page", get_language(), request.get_full_path())
    entry = cache.get(page_key)
    if entry is not None:
        return _replay(request, entry)
    response = view(request, *args, **kwargs)
    if response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        entry = {
            "content": response.content,
            "content_type": response["Content-Type"],
            "nonce": _nonce(request),
        }
        cache.set(page_key, entry, publiccache.timeout())
    return response


class CachedCountPaginator(Paginator):
    """A paginator for large lists: cached total, and a page in two short queries.

    The total comes from `publiccache.cached_count` (no COUNT per request).
    A page first selects the primary keys of its rows (an index-only scan
    of the sort's index, even 500 pages deep), then `fetch(pks)` loads just
    those rows.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        count_key: tuple,
        fetch: Callable[[list[int]], Iterable[Any]],
        **kwargs,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._count_key = count_key
        self._fetch = fetch

    @cached_property
    def count(self) -> int:
        return publiccache.cached_count(self.object_list, self._count_key)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        pks = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = {row.pk: row for row in self._fetch(pks)} if pks else {}
        return self._get_page([rows[pk] for pk in pks if pk in rows], number, self)
