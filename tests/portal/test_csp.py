"""Content-Security-Policy, Permissions-Policy and the violation report endpoint."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/challenges/", "/accounts/login/", "/statistics/"])
def test_csp_on_public_html_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    script = policy["script-src"]
    assert "'self'" in script
    assert "'unsafe-inline'" not in script
    assert "'unsafe-eval'" not in script
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["report-uri"] == ["/csp-report/"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "publickey-credentials-get=(self)" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_csp_nonce_matches_every_script_tag(client):
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    tags = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert tags, "the base template loads at least one script"
    for tag in tags:
        assert f'nonce="{nonce}"' in tag or 'type="application/json"' in tag, tag


@pytest.mark.django_db
def test_csp_nonce_differs_per_request(client):
    first = client.get("/")["Content-Security-Policy"]
    second = client.get("/")["Content-Security-Policy"]
    assert re.search(r"'nonce-[^']+'", first).group(0) != re.search(r"'nonce-[^']+'", second).group(
        0
    )


@pytest.mark.django_db
def test_csp_on_signed_in_pages(client_for, owner):
    response = client_for(owner).get("/dashboard/")
    assert response.status_code == 200
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


def test_csp_templates_have_no_inline_scripts_or_handlers():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            if "application/json" in tag:
                continue
            if "nonce=" not in tag or "src=" not in tag:
                offenders.append(f"{template.name}: {tag}")
        if re.search(r"\son[a-z]+\s*=\s*[\"']", text) or "javascript:" in text or "hx-on" in text:
            offenders.append(f"{template.name}: inline handler or javascript: URL")
    assert offenders == []


def test_csp_file_downloads_keep_their_sandbox_policy(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    response = HttpResponse(b"x")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    request = rf.get("/files/1/")
    middleware = CSPMiddleware(lambda r: response)
    middleware.process_request(request)
    out = middleware.process_response(request, response)
    assert out["Content-Security-Policy"] == "default-src 'none'; sandbox"


# --------------------------------------------------------------------------- reports
REPORT = {
    "csp-report": {
        "document-uri": "https://portal.example/challenges/",
        "violated-directive": "script-src-elem",
        "blocked-uri": "inline",
        "line-number": 12,
    }
}


@pytest.mark.django_db
def test_csp_report_is_logged(client, caplog):
    response = client.post(
        "/csp-report/", json.dumps(REPORT), content_type="application/csp-report"
    )
    assert response.status_code == 204
    assert "CSP violation" in caplog.text
    assert "script-src-elem" in caplog.text


@pytest.mark.django_db
def test_csp_report_to_format_is_logged(client, caplog):
    body = [
        {
            "type": "csp-violation",
            "body": {"effectiveDirective": "img-src", "blockedURL": "https://evil.example/x.png"},
        }
    ]
    response = client.post(
        "/csp-report/", json.dumps(body), content_type="application/reports+json"
    )
    assert response.status_code == 204
    assert "evil.example" in caplog.text


@pytest.mark.django_db
def test_csp_report_needs_no_csrf_token(settings):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/csp-report/", json.dumps(REPORT), content_type="application/csp-report"
    )
    assert response.status_code == 204


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"csp-report": "x"}',
        b"null",
        b'[{"type": "csp-violation", "body": 5}]',
    ],
)
def test_csp_report_junk_never_errors(client, body, caplog):
    response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == 204
    assert "CSP violation" not in caplog.text


@pytest.mark.django_db
def test_csp_report_too_large_is_refused(client, caplog):
    body = json.dumps({"csp-report": {"sample": "x" * 20_000}})
    response = client.post("/csp-report/", body, content_type="application/csp-report")
    assert response.status_code == 413
    assert "CSP violation" not in caplog.text


@pytest.mark.django_db
def test_csp_report_get_is_refused(client):
    assert client.get("/csp-report/").status_code == 405


@pytest.mark.django_db
def test_csp_report_is_rate_limited_per_client(client, caplog):
    from portal.security import CSP_REPORTS_PER_MINUTE

    for _ in range(CSP_REPORTS_PER_MINUTE):
        assert (
            client.post(
                "/csp-report/", json.dumps(REPORT), content_type="application/csp-report"
            ).status_code
            == 204
        )
    caplog.clear()
    response = client.post(
        "/csp-report/", json.dumps(REPORT), content_type="application/csp-report"
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "CSP violation" not in caplog.text
