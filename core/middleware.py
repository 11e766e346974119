"""Makes the request being served the audit trail's source of actor, address and browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .audit import request_context


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with request_context(request):
            return self.get_response(request)
