"""Translations of a challenge's public text (django-parler rows; see core/multilingual.py).

The original text stays in the challenge's own columns, in its
`original_language`; each row here is one more language version, added by the
owner. Fields are named `translated_<field>` because parler mirrors them onto
the challenge, which already has `title`, `summary`, … of its own.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from parler.fields import TranslationsForeignKey
from parler.models import TranslatedFieldsModel
from simple_history.models import HistoricalRecords

from .challenge import Challenge

#: The challenge fields a translation may carry, in form order.
TRANSLATED_FIELDS = ("title", "summary", "problem_statement", "operational_scenario")


class ChallengeTranslation(TranslatedFieldsModel):
    master = TranslationsForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="translations"
    )
    translated_title = models.CharField(_("title"), max_length=200, db_column="title")
    translated_summary = models.TextField(_("summary"), max_length=1200, db_column="summary")
    translated_problem_statement = models.TextField(
        _("problem statement"), blank=True, db_column="problem_statement"
    )
    translated_operational_scenario = models.TextField(
        _("operational scenario"), blank=True, db_column="operational_scenario"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("challenge translation")
        verbose_name_plural = _("challenge translations")
        unique_together = [("language_code", "master")]
        ordering = ["language_code"]
