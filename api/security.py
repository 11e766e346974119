"""How the API knows who calls and how often: Bearer tokens and rate limits.

Rates are read from the settings on every request (`API_RATE_PER_ADDRESS`,
`API_RATE_PER_TOKEN`, e.g. "120/min"), so that an operator can change them
without code and tests can lower them. The counters live in the cache
(Redis in production, so they hold across web processes).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from .models import AccessToken
from .services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer gxp_…`: a personal access token that is active now."""

    openapi_description = "A personal access token created on the portal's “API tokens” page."

    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        return token_authenticate(token)


class _SettingsRateThrottle(SimpleRateThrottle):
    setting = ""

    def __init__(self) -> None:
        super().__init__(rate=self._configured())

    def _configured(self) -> str:
        return getattr(settings, self.setting)

    def allow_request(self, request: HttpRequest) -> bool:
        rate = self._configured()
        if rate != self.rate:
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


class AddressThrottle(_SettingsRateThrottle):
    """Every request, by client address (behind `TRUSTED_PROXY_COUNT` proxies)."""

    scope = "api-address"
    setting = "API_RATE_PER_ADDRESS"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        ident = self.get_ident(request) or "unknown"
        return self.cache_format % {
            "scope": self.scope,
            "ident": hashlib.sha256(ident.encode()).hexdigest()[:32],
        }


class TokenThrottle(_SettingsRateThrottle):
    """Requests with a token, by token (wherever they come from)."""

    scope = "api-token"
    setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if not isinstance(token, AccessToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
