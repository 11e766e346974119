"""Version 1 of the REST API: the apps' routers behind one NinjaAPI.

Public endpoints need no authentication; those under `/organization/` take a
personal access token (`Authorization: Bearer gxp_…`) and show what its user
may see of its organization. Every request counts against the per-address
limit, every authenticated one also against the per-token limit (429 with
`Retry-After` past either).
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger

from challenges import api as challenges_api
from core.api import responses
from evaluation import api as evaluation_api
from notifications import api as notifications_api

from .security import AddressThrottle, TokenAuth, TokenThrottle

DESCRIPTION = """Read-only access to the ASEAN–Guangxi AI challenge programme.

* **Public** (no authentication): published challenges, with the same search,
  filters, sort and pages as the listing at `/challenges/`, and the public results.
* **Your organization** (a personal access token, created under *Account → API tokens*,
  sent as `Authorization: Bearer gxp_…`): the challenges, bids and their states of
  the one organization the token is scoped to, and your notifications.

Lists are paged (`page`, `page_size` ≤ 100). Rate limits apply per address and per
token; past them the answer is 429 with a `Retry-After` header (seconds).
"""

api = NinjaAPI(
    title="ASEAN–Guangxi AI Challenge Portal API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
    throttle=[AddressThrottle(), TokenThrottle()],
)


class TokenInfoOut(Schema):
    name: str
    organization: str
    user: str
    expires_at: dt.datetime
    scope: str = Field(description="Always “read”: the API changes nothing.")


me = Router(tags=["Your organization"])


@me.get("/", response=responses(TokenInfoOut, token=True), summary="The token in use")
def token_info(request: HttpRequest):
    """Which organization and user the presented token acts for, and until when."""
    token = request.auth
    return {
        "name": token.name,
        "organization": token.organization.legal_name,
        "user": token.user.email,
        "expires_at": token.expires_at,
        "scope": "read",
    }


api.add_router("/", challenges_api.public)
api.add_router("/", evaluation_api.router)
api.add_router("/organization/", me, auth=TokenAuth())
api.add_router("/organization/", challenges_api.organization, auth=TokenAuth())
api.add_router("/organization/", notifications_api.router, auth=TokenAuth())


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request,
        {"detail": _("A valid personal access token is needed (it may be revoked or expired).")},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Too many requests. Try again later.")}, status=429
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in exc.errors
    ]
    return api.create_response(
        request,
        {"detail": _("Some parameters are invalid; see “errors”."), "errors": errors},
        status=422,
    )
