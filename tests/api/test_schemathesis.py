"""Schemathesis against the API's own OpenAPI schema, in-process through the WSGI app:
no server error and no response that violates the schema, on public and token endpoints."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from entities.enums import MembershipRole
from tests.factories import UserFactory, add_member

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

EXAMPLES = 15


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes database connections after each request (as in production);
    the test's connection holds the test transaction, so keep it (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(keep_test_connection, decided, make_token, settings):
    """Data for every endpoint to find (a decided challenge, bids, notifications), and a
    token of the selected lead's organization; rate limits out of the way."""
    settings.API_RATE_PER_ADDRESS = "100000/min"
    settings.API_RATE_PER_TOKEN = "100000/min"
    lead = decided.bids[0].applicant
    user = UserFactory()
    add_member(lead, user, MembershipRole.VIEWER)
    return {"Authorization": f"Bearer {make_token(user, lead)}"}


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, seeded):
    # Where the generated request carries a (random) bearer token, send a valid one instead;
    # a request generated without one (a negative case) must get its 401.
    headers = case.headers or {}
    if any(name.lower() == "authorization" for name in headers):
        case.headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        case.headers.update(seeded)
    case.call_and_validate()
