"""The challenge draft form and its measurable targets (KPIs)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import CooperationMode
from ..models import Challenge, ChallengeKPI

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _default(model, name: str):
    return model._meta.get_field(name).get_default()


class DeadlineField(forms.DateTimeField):
    """A datetime-local input read in the programme's time zone (Beijing time)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
    input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


class ChallengeForm(forms.ModelForm):
    cooperation_modes = forms.MultipleChoiceField(
        label=_("Cooperation modes sought"),
        choices=CooperationMode.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One or more. Bidders will offer one or several of these."),
        # A draft saves without modes; the pre-check asks for one at submission.
        required=False,
    )
    deadline = DeadlineField(
        label=_("Bidding deadline (Beijing time, UTC+8)"),
        required=False,
        help_text=_("Bids are accepted until this moment by the portal's clock."),
    )
    questions_deadline = DeadlineField(
        label=_("Deadline for clarification questions (Beijing time, UTC+8)"),
        required=False,
        help_text=_(
            "Bidders may ask questions until this moment; it must be before the bidding "
            "deadline. Leave empty to accept questions until the bidding deadline."
        ),
    )

    sections = (
        (_("The challenge"), ("title", "summary", "sector", "original_language")),
        (_("Problem and scenario"), ("problem_statement", "operational_scenario")),
        (
            _("What you offer"),
            ("data_kind", "data_size", "data_access_terms", "experimental_environment"),
        ),
        (_("Expected outcomes"), ("expected_outcomes",)),
        (
            _("Cooperation and budget"),
            (
                "cooperation_modes",
                "budget_min",
                "budget_max",
                "currency",
                "cofunding",
                "duration_months",
            ),
        ),
        (_("Timeline"), ("deadline", "questions_deadline")),
    )

    class Meta:
        model = Challenge
        fields = [
            "title",
            "summary",
            "sector",
            "original_language",
            "problem_statement",
            "operational_scenario",
            "data_kind",
            "data_size",
            "data_access_terms",
            "experimental_environment",
            "expected_outcomes",
            "cooperation_modes",
            "budget_min",
            "budget_max",
            "currency",
            "cofunding",
            "duration_months",
            "deadline",
            "questions_deadline",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "problem_statement": forms.Textarea(attrs={"rows": 6}),
            "operational_scenario": forms.Textarea(attrs={"rows": 5}),
            "data_access_terms": forms.Textarea(attrs={"rows": 3}),
            "experimental_environment": forms.Textarea(attrs={"rows": 4}),
            "expected_outcomes": forms.Textarea(attrs={"rows": 4}),
            "cofunding": forms.Textarea(attrs={"rows": 2}),
        }

    #: Choices with a default: an absent value takes the model's default (a draft needs a title only).
    DEFAULTED = ("original_language", "currency")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED:
            self.fields[name].required = False
        for name in ("deadline", "questions_deadline"):
            value = getattr(self.instance, name, None) if self.instance.pk else None
            if value:
                self.initial[name] = timezone.localtime(value).strftime(DATETIME_LOCAL)

    # A draft saves with only its title: a multi-paragraph summary or a past
    # deadline are reported by the submission pre-check (challenges.prechecks).
    def clean_original_language(self):
        return self.cleaned_data.get("original_language") or _default(
            Challenge, "original_language"
        )

    def clean_currency(self):
        return self.cleaned_data.get("currency") or _default(Challenge, "currency")

    def clean_summary(self):
        return (self.cleaned_data.get("summary") or "").strip()

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("budget_min"), cleaned.get("budget_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "budget_min",
                _("The lower end of the budget is above the upper end. Swap or correct them."),
            )
        return cleaned


class KPIForm(forms.ModelForm):
    class Meta:
        model = ChallengeKPI
        fields = ["metric", "target", "baseline"]
        widgets = {
            "metric": forms.TextInput(
                attrs={"placeholder": _("e.g. detection accuracy on field images")}
            ),
            "target": forms.TextInput(attrs={"placeholder": _("e.g. ≥ 92 %")}),
            "baseline": forms.TextInput(attrs={"placeholder": _("e.g. 70 % (manual scouting)")}),
        }


class BaseKPIFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        for form in self.forms:
            data = form.cleaned_data
            filled = data and not data.get("DELETE") and (data.get("metric") or data.get("target"))
            if filled and not (data.get("metric") and data.get("target")):
                form.add_error(None, _("Give both the indicator and its target."))

    def rows(self) -> list[dict[str, str]]:
        return [
            {
                "metric": f.cleaned_data["metric"],
                "target": f.cleaned_data["target"],
                "baseline": f.cleaned_data.get("baseline", ""),
            }
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("metric")
        ]


class _KPIRowForm(forms.Form):
    metric = forms.CharField(label=_("Indicator"), max_length=200, required=False)
    target = forms.CharField(label=_("Target"), max_length=120, required=False)
    baseline = forms.CharField(label=_("Baseline today"), max_length=120, required=False)
    DELETE = forms.BooleanField(label=_("Remove"), required=False)


KPIFormSet = forms.formset_factory(
    _KPIRowForm, formset=BaseKPIFormSet, extra=2, max_num=12, validate_max=True
)
