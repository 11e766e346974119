"""Every page reachable by following links, as each demo role, renders without a server error."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import Client
from django.test.utils import override_settings

from portal.demo import DEMO_ACCOUNTS, load_demo

LINK = re.compile(r'href="([^"#]+)"')
SKIP = ("/accounts/logout", "/static/", "/i18n/", "/jsi18n/", "/notifications/unsubscribe/")


def crawl(client: Client, starts: list[str], limit: int = 250) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in LINK.findall(response.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.netloc or not href.startswith("/") or href.startswith(SKIP):
                continue
            if href not in seen:
                queue.append(href)
    return seen


@pytest.fixture
def demo(db, settings):
    settings.DEMO_ENABLED = True
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        load_demo()


@pytest.mark.parametrize("email", [a.email for a in DEMO_ACCOUNTS] + ["anonymous"])
def test_smoke_crawl_finds_no_server_error(demo, email):
    client = Client(raise_request_exception=False)
    starts = ["/", "/challenges/", "/challenges/?q=rice&status=open&sort=deadline"]
    if email != "anonymous":
        from entities.models import User

        client.force_login(User.objects.get(email=email))
        starts += ["/dashboard/", "/notifications/", "/accounts/profile/"]
    visited = crawl(client, starts)
    broken = {url: code for url, code in visited.items() if code >= 500 or code == 403}
    assert not broken, broken
    assert len(visited) > 10
