"""What the rules decided: `RuleResult` per rule and the `EligibilityReport` (pure data).

A report renders its messages in the reader's language from the stored codes
and parameters (`messages`), so a stored report can be shown again years later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..enums import RuleCode
from . import messages

#: `scope` of `check_eligibility`: a whole submission, or the organization's own standing only.
SCOPE_SUBMISSION = "submission"
SCOPE_ORGANIZATION = "organization"


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule: code, passed or not, and what it was decided on.

    A failed rule that an operator waived has `passed=True` and the waiver
    (code, reason, granted_by, granted_on, expires_on) in `waiver`.
    """

    code: str
    passed: bool
    outcome: str
    params: dict[str, Any] = field(default_factory=dict)
    waiver: dict[str, str] | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    @property
    def title(self) -> str:
        """The rule's name, in the active language."""
        return str(RuleCode(self.code).label) if self.code in RuleCode.values else self.code

    @property
    def message(self) -> str:
        """What is wrong and how to fix it (or why it passes), in the active language."""
        return messages.render_message(self.code, self.outcome, self.params)

    @property
    def evidence(self) -> str:
        """The facts the rule looked at, e.g. "registered 2024-06-03, anniversary …"."""
        return messages.render_evidence(self.code, self.params)

    @property
    def next_steps(self) -> list[messages.NextStep]:
        """What to do to pass; empty when the rule passed (waived or not)."""
        if self.passed and not self.waived:
            return []
        return messages.next_steps(self.code, self.outcome, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "title": self.title,
            "passed": self.passed,
            "outcome": self.outcome,
            "message": self.message,
            "evidence": self.evidence,
            "params": self.params,
            "waived": self.waived,
            "waiver": self.waiver,
        }


@dataclass(frozen=True)
class EligibilityReport:
    """Every rule of a role, checked for one organization on one date (Asia/Shanghai)."""

    role: str
    on: date
    ruleset: str
    results: tuple[RuleResult, ...]
    subject: str = ""
    scope: str = SCOPE_SUBMISSION

    @property
    def eligible(self) -> bool:
        """True exactly when no rule failed (waived rules count as passed)."""
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> set[str]:
        """The codes of the rules that failed."""
        return {r.code for r in self.results if not r.passed}

    @property
    def failures(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed]

    @property
    def waived(self) -> list[RuleResult]:
        return [r for r in self.results if r.waived]

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.results]

    def result(self, code: str) -> RuleResult | None:
        """The result of one rule, or None when the rule does not apply to this role."""
        return next((r for r in self.results if r.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serializable with stable keys; texts rendered in the active language."""
        return {
            "ruleset": self.ruleset,
            "role": str(self.role),
            "on": self.on.isoformat(),
            "scope": self.scope,
            "subject": self.subject,
            "eligible": self.eligible,
            "failed": sorted(self.failed),
            "results": [r.as_dict() for r in self.results],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EligibilityReport:
        """The report back from `as_dict()` (e.g. from a stored record)."""
        return cls(
            role=data["role"],
            on=date.fromisoformat(data["on"]),
            ruleset=data["ruleset"],
            subject=data.get("subject", ""),
            scope=data.get("scope", SCOPE_SUBMISSION),
            results=tuple(
                RuleResult(
                    code=r["code"],
                    passed=r["passed"],
                    outcome=r["outcome"],
                    params=dict(r.get("params") or {}),
                    waiver=r.get("waiver"),
                )
                for r in data["results"]
            ),
        )
