"""Browser-side hardening: Permissions-Policy, reporting endpoints, CSP violation reports.

The Content-Security-Policy itself is django-csp's (`CONTENT_SECURITY_POLICY`
in settings); this module adds the headers django-csp does not write and the
endpoint browsers send violation reports to.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

log = logging.getLogger("portal.csp")

# Features the portal never uses are switched off for every page and frame.
# WebAuthn (passkeys, security keys) stays allowed for the portal's own origin.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=()",
        "display-capture=()",
        "encrypted-media=()",
        "fullscreen=(self)",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "publickey-credentials-create=(self)",
        "publickey-credentials-get=(self)",
        "screen-wake-lock=()",
        "usb=()",
        "xr-spatial-tracking=()",
    ]
)

CSP_REPORT_MAX_BYTES = 16 * 1024
CSP_REPORTS_PER_MINUTE = 30
# The fields worth logging, each cut to a sane length.
_REPORT_FIELDS = (
    "document-uri",
    "documentURL",
    "violated-directive",
    "effective-directive",
    "effectiveDirective",
    "blocked-uri",
    "blockedURL",
    "source-file",
    "sourceFile",
    "line-number",
    "lineNumber",
    "disposition",
    "sample",
)


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy and Reporting-Endpoints to every response.

    A 429 answer without `Retry-After` (allauth's own rate limits) gets one,
    so clients always learn when to come back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Reporting-Endpoints", f'csp="{settings.CSP_REPORT_PATH}"')
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = "60"
        return response


def _client_key(request: HttpRequest) -> str:
    from .throttle import client_address

    return f"csp-report:{client_address(request)}"


def _over_limit(request: HttpRequest) -> bool:
    key = _client_key(request)
    try:
        if cache.add(key, 1, timeout=60):
            return False
        return cache.incr(key) > CSP_REPORTS_PER_MINUTE
    except ValueError:  # the key expired between add and incr
        return False


def _reports(body: bytes) -> list[dict[str, Any]]:
    """The violation bodies of a `report-uri` (one object) or `report-to` (a list) post."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return []
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        return [
            item["body"]
            for item in data[:10]
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return []


def _summary(report: dict[str, Any]) -> dict[str, str]:
    return {
        name: str(report[name])[:300]
        for name in _REPORT_FIELDS
        if name in report and report[name] not in (None, "")
    }


@csrf_exempt  # browsers post reports without a token; nothing here changes state
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log Content-Security-Policy violations; always 204, whatever arrives."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    if _over_limit(request):
        return HttpResponse(status=429, headers={"Retry-After": "60"})
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    for report in _reports(body):
        log.warning("CSP violation: %s", json.dumps(_summary(report), sort_keys=True))
    return HttpResponse(status=204)
