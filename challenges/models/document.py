"""PDF documents issued for a bid: receipt, decision letter, validation certificate."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from entities.files import StoredFile

from ..enums import DocumentKind
from .bid import Bid


class BidDocument(StoredFile):
    """One rendering of a bid's document in one language, kept in the private storage.

    Rendered once per (bid, kind, language) and then served from storage: the
    receipt at submission (a Celery task), the others on first download. The
    receipt carries the SHA-256 recorded on the bid at submission.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    language = models.CharField(_("language"), max_length=16)
    content_sha256 = models.CharField(
        _("SHA-256 of the submitted content"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("bid document")
        verbose_name_plural = _("bid documents")
        ordering = ["bid", "kind", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "kind", "language"], name="bid_document_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.bid_id} · {self.language}"
