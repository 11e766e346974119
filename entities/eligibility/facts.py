"""What the eligibility rules know about an organization: `EligibilityFacts` (pure data)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


# --------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class Waiver:
    """An operator's override of one rule for one organization, valid through `expires_on`."""

    code: str
    reason: str
    granted_by: str
    granted_on: date
    expires_on: date

    def covers(self, day: date) -> bool:
        """True when the waiver is in force on `day` (both ends inclusive)."""
        return self.granted_on <= day <= self.expires_on

    def as_dict(self) -> dict[str, str]:
        """JSON-serializable form, as stored in a report."""
        return {
            "code": str(self.code),
            "reason": self.reason,
            "granted_by": self.granted_by,
            "granted_on": self.granted_on.isoformat(),
            "expires_on": self.expires_on.isoformat(),
        }


_NUMBER_SEPARATORS = re.compile(r"[\s.\-/]")


@dataclass(frozen=True)
class EligibilityFacts:
    """What the rules need to know about an organization.

    `country` is ISO 3166 alpha-2; `region_code` the 6-digit division code for
    China, else ""; `institution_type` one of `InstitutionType`;
    `registry_status` one of `RegistryStatus`; `capabilities` the keys
    declared *with evidence*. `name` and `waivers` are optional: the name is
    used in messages, the waivers are the operators' overrides in force.
    """

    country: str
    region_code: str
    institution_type: str
    independent_legal_status: bool
    registration_number: str
    registry_status: str
    registration_date: date | None
    verified: bool
    capabilities: frozenset[str] = frozenset()
    name: str = ""
    waivers: tuple[Waiver, ...] = ()

    def __post_init__(self) -> None:
        # Accept enum members, sets, lists: the rules and the JSON see plain values.
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("country", str(self.country or "").strip().upper())
        put("region_code", str(self.region_code or "").strip())
        put("institution_type", str(self.institution_type or ""))
        put("independent_legal_status", bool(self.independent_legal_status))
        put("registration_number", str(self.registration_number or "").strip())
        put("registry_status", str(self.registry_status or ""))
        if isinstance(self.registration_date, datetime):
            put("registration_date", self.registration_date.date())
        put("verified", bool(self.verified))
        put("capabilities", frozenset(str(c) for c in (self.capabilities or ())))
        put("name", str(self.name or ""))
        put("waivers", tuple(self.waivers or ()))

    @property
    def identity(self) -> tuple[str, str] | None:
        """Organizations are the same when country and registration number match.

        The number is compared without spaces, dots, dashes and slashes and
        ignoring case; without a number there is no identity (None).
        """
        number = _NUMBER_SEPARATORS.sub("", self.registration_number).upper()
        return (self.country, number) if number else None

    def same_organization(self, other: EligibilityFacts) -> bool:
        """True when both have an identity and it is the same."""
        return self.identity is not None and self.identity == other.identity

    @property
    def label(self) -> str:
        """How the organization is named in messages."""
        return self.name or self.registration_number


#: Turns non-fact subjects (organizations) into facts; set by the entities app at start-up
#: (`entities.selectors.eligibility_facts`), so this package never reads the database.
FactsLoader = Callable[[Sequence[Any]], list["EligibilityFacts"]]
_loader: FactsLoader | None = None


def set_facts_loader(loader: FactsLoader | None) -> None:
    """Register how subjects that are not `EligibilityFacts` become facts."""
    global _loader
    _loader = loader


def as_facts(subjects: Sequence[Any]) -> list[EligibilityFacts]:
    """Facts for a mix of `EligibilityFacts` and other subjects, in order.

    Subjects that are not facts are handed, all together, to the loader the
    entities app registered (organizations: two queries in all).
    """
    rows = [s for s in subjects if not isinstance(s, EligibilityFacts)]
    if rows and _loader is None:
        raise TypeError("check_eligibility takes EligibilityFacts (no facts loader registered)")
    fetched = iter(_loader(rows) if rows else ())
    return [s if isinstance(s, EligibilityFacts) else next(fetched) for s in subjects]
