"""Shared fixtures: the fixed cast and service detection.

Tests marked `postgres`, `redis` or `browser` are skipped when the service is
missing, and the run ends with a loud banner naming what was skipped.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from entities.enums import MembershipRole
from tests.factories import OrganizationFactory, UserFactory, add_member

_SKIPPED: dict[str, int] = {}

# Property tests judge the code, not the machine: a loaded CI host must not fail them
# for generating inputs slowly or taking longer than Hypothesis' default deadline.
hypothesis_settings.register_profile(
    "portal", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("portal")


def _redis_available() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001
        return False
    return True


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
    ):
        if candidate and shutil.which(candidate):
            return candidate
    return None


SERVICES = {
    "postgres": (lambda: settings.IS_POSTGRES, "PostgreSQL (set DATABASE_URL=postgres://…)"),
    "redis": (_redis_available, "Redis (set REDIS_URL=redis://… and start redis-server)"),
    "browser": (lambda: chromium_path() is not None, "Chromium (apt-get install chromium)"),
}


def pytest_collection_modifyitems(config, items):
    available = {name: check() for name, (check, _hint) in SERVICES.items()}
    if os.environ.get("CI_REQUIRE_SERVICES"):
        missing = [SERVICES[name][1] for name, ok in available.items() if not ok]
        if missing:
            raise pytest.UsageError("CI needs these services: " + "; ".join(missing))
    for item in items:
        for name, ok in available.items():
            if not ok and item.get_closest_marker(name):
                _SKIPPED[name] = _SKIPPED.get(name, 0) + 1
                item.add_marker(pytest.mark.skip(reason=f"needs {SERVICES[name][1]}"))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _SKIPPED:
        return
    tr = terminalreporter
    tr.write_sep("!", "SERVICES MISSING: SOME TESTS WERE SKIPPED", red=True, bold=True)
    for name, count in sorted(_SKIPPED.items()):
        tr.write_line(
            f"  {count:4d} test(s) skipped: needs {SERVICES[name][1]}", red=True, bold=True
        )
    tr.write_line("  Run .ci/run for the full suite with PostgreSQL, Redis and Chromium.", red=True)
    tr.write_sep("!", "", red=True, bold=True)


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from portal import throttle

    cache.clear()
    throttle._local.clear()  # the sign-in throttle's second store (process memory)
    yield


# --------------------------------------------------------------------------- the cast
@pytest.fixture
def org(db):
    """A verified Guangxi enterprise with its lead capabilities declared."""
    return OrganizationFactory(capabilities=True)


@pytest.fixture
def owner(org):
    user = UserFactory(email="owner@example.org", full_name="Olivia Owner")
    add_member(org, user, MembershipRole.OWNER)
    return user


@pytest.fixture
def manager(org):
    user = UserFactory(email="manager@example.org", full_name="Mark Manager")
    add_member(org, user, MembershipRole.MANAGER)
    return user


@pytest.fixture
def editor(org):
    user = UserFactory(email="editor@example.org", full_name="Edith Editor")
    add_member(org, user, MembershipRole.EDITOR)
    return user


@pytest.fixture
def viewer(org):
    user = UserFactory(email="viewer@example.org", full_name="Victor Viewer")
    add_member(org, user, MembershipRole.VIEWER)
    return user


@pytest.fixture
def outsider(db):
    """A user with an organization of their own, which is not `org`."""
    user = UserFactory(email="outsider@example.org", full_name="Otto Outsider")
    other = OrganizationFactory()
    add_member(other, user, MembershipRole.OWNER)
    return user


@pytest.fixture
def operator(db):
    return UserFactory(
        email="operator@example.org", full_name="Ops Operator", is_staff=True, is_superuser=True
    )


@pytest.fixture
def reviewer(db):
    return UserFactory(email="reviewer@example.org", full_name="Rita Reviewer", is_reviewer=True)


@pytest.fixture
def asean_org(db):
    """A verified ASEAN research institute with its demand-side resources declared."""
    return OrganizationFactory(asean=True, capabilities=True)


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as that user."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


def assert_error_tied_to_field(content: bytes | str, field: str) -> None:
    """The field's error is rendered under it and announced with it (aria-describedby)."""
    import re

    html = content.decode() if isinstance(content, bytes) else content
    assert f'id="id_{field}_error"' in html, f"no error list under {field}"
    control = re.search(rf'<(?:input|select|textarea)\b[^>]*\bid="id_{field}"[^>]*>', html)
    if control is None:  # a group of checkboxes or radios: the fieldset carries the reference
        control = re.search(rf'<fieldset\b[^>]*aria-describedby="[^"]*id_{field}_error[^"]*"', html)
    assert control, f"no control for {field}"
    tag = control.group(0)
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', tag), tag


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in another language must not leak into the next test."""
    from django.utils import translation

    yield
    translation.deactivate()
