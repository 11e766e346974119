"""The dependency audit never reports success when nothing was audited (.ci/audit_dependencies.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {"dependencies": [{"name": "django", "version": "5.2.19", "vulns": []}]}
BLIND = {
    "dependencies": [
        {"name": "django", "version": "5.2.19", "skip_reason": "Dependency not found on PyPI"},
        {"name": "celery", "version": "5.4.0", "skip_reason": "Dependency not found on PyPI"},
    ]
}
VULNERABLE = {
    "dependencies": [
        {
            "name": "django",
            "version": "5.2.0",
            "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["5.2.1"]}],
        }
    ]
}


def test_audit_verdict_clean():
    assert audit.verdict(CLEAN) == (audit.OK, "1 packages audited, no known vulnerability")


def test_audit_verdict_nothing_audited_is_not_success():
    status, message = audit.verdict(BLIND)
    assert status == audit.NOT_AUDITED
    assert "none of the 2 packages" in message


def test_audit_verdict_partly_audited_names_the_rest():
    report = {"dependencies": CLEAN["dependencies"] + BLIND["dependencies"][1:]}
    status, message = audit.verdict(report)
    assert status == audit.NOT_AUDITED
    assert "celery" in message


def test_audit_verdict_vulnerability_fails():
    status, message = audit.verdict(VULNERABLE)
    assert status == audit.VULNERABLE
    assert "GHSA-xxxx" in message and "5.2.1" in message


@pytest.fixture
def offline(monkeypatch):
    def run(lock, service):
        if service == "pypi":
            return BLIND, ""
        return None, "requests.exceptions.ConnectionError: Max retries exceeded"

    monkeypatch.setattr(audit, "_run", run)


def test_audit_offline_is_loud_and_soft_by_default(offline, monkeypatch, capsys):
    monkeypatch.delenv("AUDIT_REQUIRED", raising=False)
    assert audit.main(["requirements.lock"]) == 0
    err = capsys.readouterr().err
    assert "DEPENDENCY AUDIT NOT DONE" in err
    assert "osv: unreachable" in err


def test_audit_offline_fails_when_required(offline, monkeypatch, capsys):
    monkeypatch.setenv("AUDIT_REQUIRED", "1")
    assert audit.main(["requirements.lock"]) == audit.NOT_AUDITED
    assert "no known vulnerability" not in capsys.readouterr().out


def test_audit_vulnerability_fails_the_build(monkeypatch, capsys):
    monkeypatch.setattr(audit, "_run", lambda lock, service: (VULNERABLE, ""))
    assert audit.main(["requirements.lock"]) == audit.VULNERABLE
    assert "GHSA-xxxx" in capsys.readouterr().err


def test_audit_falls_back_to_the_second_service(monkeypatch, capsys):
    monkeypatch.setattr(
        audit, "_run", lambda lock, service: (BLIND if service == "pypi" else CLEAN, "")
    )
    assert audit.main(["requirements.lock"]) == audit.OK
    assert "[osv] 1 packages audited" in capsys.readouterr().out


def test_audit_tools_are_dev_dependencies():
    text = (SCRIPT.parents[1] / "pyproject.toml").read_text()
    assert '"pip-audit>=' in text and '"bandit[toml]>=' in text
    assert "[tool.bandit]" in text
