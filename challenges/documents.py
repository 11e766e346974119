"""The bid's PDF documents: what a receipt contains, its hash, and the stored renderings.

The submitted content is one canonical structure (`bid_submission_content`);
its SHA-256 is recorded on the bid by the submit transition and printed on
the receipt, so anyone holding the receipt can check it against the portal.
Documents are rendered by `core.documents` from templates in
`templates/challenges/documents/` (and `templates/evaluation/documents/` for
the kinds evaluation registers), once per (bid, kind, language), and kept in
the private storage like attachments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.documents import PDF_CONTENT_TYPE, render_pdf
from entities.models import EligibilityRecord

from .enums import BidState, DocumentKind, PartnerStatus
from .models import Bid, BidDocument


# --------------------------------------------------------------------------- the content
def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def partner_records(bid: Bid) -> list[EligibilityRecord]:
    """The partners' eligibility records stored at the bid's (last) submission."""
    if not bid.submitted_at:
        return []
    records = EligibilityRecord.objects.filter(context=f"bid:{bid.pk}:partner").order_by(
        "organization_id", "-evaluated_at"
    )
    latest: dict[int, EligibilityRecord] = {}
    for record in records:
        latest.setdefault(record.organization_id, record)
    return list(latest.values())


def _lead(bid: Bid) -> dict[str, Any]:
    return {
        "name": bid.lead_name,
        "title": bid.lead_title,
        "email": bid.lead_email,
        "affiliation": bid.lead_affiliation,
        "orcid": bid.lead_orcid,
        "cv": bid.lead_cv,
    }


def _plan(bid: Bid) -> dict[str, Any]:
    """Modes, team, budget lines and milestones: the parts of a bid with several rows."""
    return {
        "modes": [{"mode": p.mode, "plan": p.plan} for p in bid.mode_plans.all()],
        "team": [
            {"name": m.name, "role": m.role, "affiliation": m.affiliation} for m in bid.team.all()
        ],
        "budget_lines": [
            {"item": b.item, "amount": _money(b.amount)} for b in bid.budget_lines.all()
        ],
        "milestones": [
            {
                "deliverable": m.deliverable,
                "due_month": m.due_month,
                "acceptance_criterion": m.acceptance_criterion,
                "evidence_expected": m.evidence_expected,
            }
            for m in bid.milestones.all()
        ],
    }


def bid_submission_content(
    bid: Bid, *, partner_snapshots: list[EligibilityRecord] | None = None
) -> dict[str, Any]:
    """Everything submitted in a bid, as plain JSON-ready data (the hashed content).

    `partner_snapshots`: the partners' records just stored (at submission), else read back.
    """
    record = bid.eligibility_record
    snapshots = partner_records(bid) if partner_snapshots is None else partner_snapshots
    return {
        "bid": bid.pk,
        "challenge": {"id": bid.challenge_id, "title": bid.challenge.title},
        "applicant": {
            "id": bid.applicant_id,
            "legal_name": bid.applicant.legal_name,
            "country": str(bid.applicant.country),
            "registration_number": bid.applicant.registration_number,
        },
        "lead": _lead(bid),
        "technical_approach": bid.technical_approach,
        "scenario_fit": bid.scenario_fit,
        "budget_total": _money(bid.budget_total),
        "currency": bid.currency,
        "cofunding": bid.cofunding,
        "duration_months": bid.duration_months,
        **_plan(bid),
        "partners": [
            {
                "name": p.name,
                "role": p.role,
                "contribution": p.contribution,
                "status": p.status,
                "responded_at": _iso(p.responded_at),
            }
            for p in bid.partners.all()
            if p.status == PartnerStatus.ACCEPTED
        ],
        "attachments": [
            {"name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in bid.attachments.all()
        ],
        "eligibility": record.report if record else None,
        "partner_eligibility": [
            {"organization": r.organization_id, "report": r.report}
            for r in sorted(snapshots, key=lambda r: r.organization_id)
        ],
        "submitted_at": _iso(bid.submitted_at),
    }


def bid_submission_sha256(
    bid: Bid, *, partner_snapshots: list[EligibilityRecord] | None = None
) -> str:
    """SHA-256 (hex) of the canonical JSON of `bid_submission_content`."""
    content = bid_submission_content(bid, partner_snapshots=partner_snapshots)
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- the kinds
@dataclass(frozen=True)
class DocumentSpec:
    """How one kind of document is made: when it exists, its template and its context."""

    kind: str
    template: str
    available: Callable[[Bid], bool]
    context: Callable[[Bid], dict[str, Any]]


def receipt_context(bid: Bid) -> dict[str, Any]:
    """What the receipt template shows: the submitted bid, its partners and reports."""
    return {
        "bid": bid,
        "challenge": bid.challenge,
        "partners": [p for p in bid.partners.all() if p.status == PartnerStatus.ACCEPTED],
        "record": bid.eligibility_record,
        "partner_records": partner_records(bid),
        "sha256": bid.submission_sha256,
        "issued_at": timezone.now(),
    }


def _receipt_available(bid: Bid) -> bool:
    return bool(bid.submission_sha256) and bid.state not in (BidState.DRAFT, BidState.WITHDRAWN)


SPECS: dict[str, DocumentSpec] = {
    DocumentKind.RECEIPT: DocumentSpec(
        kind=DocumentKind.RECEIPT,
        template="challenges/documents/receipt.html",
        available=_receipt_available,
        context=receipt_context,
    )
}


def register_document(spec: DocumentSpec) -> None:
    """Declare a kind of document (evaluation registers the decision letter and certificate)."""
    SPECS[spec.kind] = spec


def available_documents(bid: Bid) -> list[str]:
    """The kinds of document the bid has in its current state, in a fixed order."""
    return [kind for kind in DocumentKind.values if kind in SPECS and SPECS[kind].available(bid)]


# --------------------------------------------------------------------------- stored renderings
def bid_document_get_or_render(*, bid: Bid, kind: str, language: str) -> BidDocument | None:
    """The stored document in `language`, rendered and stored first if needed.

    None when the bid has no such document (unknown kind or not available in
    its state). Idempotent and safe under concurrency: two renderings of the
    same document race on the unique row, and the loser returns the winner's.
    """
    spec = SPECS.get(kind)
    if spec is None or not spec.available(bid):
        return None
    existing = BidDocument.objects.filter(bid=bid, kind=kind, language=language).first()
    if existing is not None and (
        kind != DocumentKind.RECEIPT or existing.content_sha256 == bid.submission_sha256
    ):
        return existing
    pdf = render_pdf(spec.template, spec.context(bid), language=language)
    name = f"{kind}-bid-{bid.pk}-{language}.pdf"
    try:
        with transaction.atomic():
            if existing is not None:  # a receipt of an earlier submission: replace it
                existing.file.delete(save=False)
                existing.delete()
            document = BidDocument(bid=bid, kind=kind, language=language)
            document.file.save(name, ContentFile(pdf), save=False)
            document.original_name = name
            document.content_type = PDF_CONTENT_TYPE
            document.size = len(pdf)
            document.sha256 = hashlib.sha256(pdf).hexdigest()
            document.content_sha256 = bid.submission_sha256
            document.full_clean(exclude=["file", "uploaded_by"])
            document.save()
    except IntegrityError:
        document.file.delete(save=False)  # another worker stored it first
        return BidDocument.objects.filter(bid=bid, kind=kind, language=language).first()
    return document
