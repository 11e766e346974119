"""Blind review: the names behind a bid, and a redactor that takes them out of any text.

Under blind review the reviewer's pages never print the applicant's or a
partner's name. Structured fields that identify them (lead researcher,
e-mail, ORCID, affiliation, team) are not rendered at all; free text
(CV, approach, plans, eligibility evidence, file names) goes through
`Blinder.text`, which replaces every known name, registration number and
web domain with a neutral label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from django.utils.translation import gettext as _

from challenges.models import Bid, BidPartner
from entities.models import Organization


@dataclass(frozen=True)
class Blinder:
    """Replaces identifying strings with labels; a no-op when `active` is False."""

    active: bool
    replacements: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def text(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if not self.active or not text:
            return text
        for needle, label in self.replacements:
            text = re.sub(re.escape(needle), label, text, flags=re.IGNORECASE)
        return text

    def results(self, results: list[dict]) -> list[dict]:
        """An eligibility report's results with names taken out of messages and evidence."""
        if not self.active:
            return results
        cleaned = []
        for row in results:
            row = dict(row)
            for key in ("title", "message", "evidence"):
                if key in row:
                    row[key] = self.text(row[key])
            if isinstance(row.get("waiver"), dict):
                waiver = dict(row["waiver"])
                waiver["reason"] = self.text(waiver.get("reason", ""))
                row["waiver"] = waiver
            cleaned.append(row)
        return cleaned


def _organization_needles(organization: Organization) -> list[str]:
    needles = [organization.legal_name, organization.local_name, organization.registration_number]
    for url in (organization.website,):
        host = urlparse(url).hostname if url else None
        if host:
            needles.append(host.removeprefix("www."))
    if organization.contact_email and "@" in organization.contact_email:
        needles.append(organization.contact_email.split("@", 1)[1])
    return needles


def blinder_for(bid: Bid, partners: list[BidPartner] | None = None) -> Blinder:
    """The redactor for one bid; active only when the challenge asks for blind review."""
    if not bid.challenge.blind_review:
        return Blinder(active=False)
    partners = partners if partners is not None else list(bid.partners.all())
    pairs: list[tuple[str, str]] = []
    applicant = _("[the applicant]")
    for needle in _organization_needles(bid.applicant):
        pairs.append((needle, applicant))
    for index, partner in enumerate(partners, 1):
        label = _("[partner %(n)s]") % {"n": index}
        if partner.organization_id:
            pairs.extend((n, label) for n in _organization_needles(partner.organization))
        pairs.extend((n, label) for n in (partner.invited_name, partner.invited_email))
    person = _("[the lead researcher]")
    pairs.extend((n, person) for n in (bid.lead_name, bid.lead_email, bid.lead_orcid))
    if bid.lead_email and "@" in bid.lead_email:
        pairs.append((bid.lead_email.split("@", 1)[1], applicant))
    for member in bid.team.all():
        pairs.append((member.name, _("[team member]")))
        if member.affiliation:
            pairs.append((member.affiliation, _("[an organization of the bid]")))
    if bid.lead_affiliation:
        pairs.append((bid.lead_affiliation, applicant))
    # Longest first, so "Guangxi University Lab" is replaced before "Guangxi University".
    unique = {
        needle.strip(): label for needle, label in pairs if needle and len(needle.strip()) >= 3
    }
    ordered = tuple(sorted(unique.items(), key=lambda pair: -len(pair[0])))
    return Blinder(active=True, replacements=ordered)
