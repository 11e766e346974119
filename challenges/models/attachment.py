"""Files attached to a challenge or a bid (private storage, permission-checked downloads)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from entities.files import StoredFile

from .bid import Bid
from .challenge import Challenge


# --------------------------------------------------------------------------- attachments
class Attachment(StoredFile):
    """A document of a challenge or a bid. Public ones of a public challenge are open to all."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    bid = models.ForeignKey(
        Bid, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Anyone may download a public attachment once the challenge is published."),
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(challenge__isnull=False) & Q(bid__isnull=True))
                | (Q(challenge__isnull=True) & Q(bid__isnull=False)),
                name="attachment_one_owner",
            )
        ]

    @property
    def label(self) -> str:
        return self.title or self.original_name
