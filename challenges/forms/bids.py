"""The bid draft form: lead researcher, approach, cooperation modes, team, budget, milestones."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.iso7064 import mod_11_2

from ..enums import CooperationMode
from ..models import Bid


class BidForm(forms.ModelForm):
    sections = (
        (
            _("Lead researcher"),
            ("lead_name", "lead_title", "lead_email", "lead_affiliation", "lead_orcid", "lead_cv"),
        ),
        (_("Approach"), ("technical_approach", "scenario_fit")),
        (_("Budget and duration"), ("budget_total", "currency", "cofunding", "duration_months")),
    )

    class Meta:
        model = Bid
        fields = [
            "lead_name",
            "lead_title",
            "lead_email",
            "lead_affiliation",
            "lead_orcid",
            "lead_cv",
            "technical_approach",
            "scenario_fit",
            "budget_total",
            "currency",
            "cofunding",
            "duration_months",
        ]
        widgets = {
            "lead_cv": forms.Textarea(attrs={"rows": 5}),
            "technical_approach": forms.Textarea(attrs={"rows": 8}),
            "scenario_fit": forms.Textarea(attrs={"rows": 5}),
            "cofunding": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_lead_orcid(self):
        value = (self.cleaned_data.get("lead_orcid") or "").strip().upper()
        value = value.removeprefix("HTTPS://ORCID.ORG/").removeprefix("HTTP://ORCID.ORG/")
        if not value:
            return ""
        compact = value.replace("-", "")
        if len(compact) != 16 or not compact[:15].isdigit() or not mod_11_2.is_valid(compact):
            raise forms.ValidationError(
                _("This is not a valid ORCID iD. It has 16 characters, e.g. 0000-0002-1825-0097.")
            )
        return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


class ModesForm(forms.Form):
    """Each cooperation mode: offered or not, and if offered, a short plan."""

    def __init__(
        self,
        *args,
        initial_plans: dict[str, str] | None = None,
        sought: list[str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        initial_plans = initial_plans or {}
        sought = sought or []
        self.mode_rows = []
        for value, label in CooperationMode.choices:
            self.fields[f"mode_{value}"] = forms.BooleanField(
                label=label, required=False, initial=value in initial_plans
            )
            self.fields[f"plan_{value}"] = forms.CharField(
                label=_("Your plan for “%(mode)s”") % {"mode": label},
                required=False,
                max_length=3000,
                initial=initial_plans.get(value, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.mode_rows.append((value, label, value in sought))

    def rows(self):
        for value, label, sought in self.mode_rows:
            yield {
                "value": value,
                "label": label,
                "sought": sought,
                "check": self[f"mode_{value}"],
                "plan": self[f"plan_{value}"],
            }

    # No clean(): a draft saves with no mode, or a mode without its plan yet;
    # the submission pre-check (challenges.prechecks) asks for both.

    def plans(self) -> dict[str, str]:
        return {
            v: self.cleaned_data[f"plan_{v}"].strip()
            for v, _l, _s in self.mode_rows
            if self.cleaned_data.get(f"mode_{v}")
        }


class _RowsFormSet(forms.BaseFormSet):
    """A formset whose blank rows are ignored and whose rows come back as dicts."""

    keys: tuple[str, ...] = ()

    def rows(self) -> list[dict]:
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not any(data.get(k) not in (None, "") for k in self.keys):
                continue
            out.append({k: data.get(k) for k in self.keys})
        return out


class _TeamRow(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.CharField(label=_("Role in the project"), max_length=150, required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=255, required=False)
    DELETE = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("name") or cleaned.get("affiliation")) and not cleaned.get("role"):
            self.add_error("role", _("Give this person's role."))
        if cleaned.get("role") and not cleaned.get("name"):
            self.add_error("name", _("Give the person's name."))
        return cleaned


class TeamFormSetBase(_RowsFormSet):
    keys = ("name", "role", "affiliation")


TeamFormSet = forms.formset_factory(
    _TeamRow, formset=TeamFormSetBase, extra=2, max_num=30, validate_max=True
)


class _BudgetRow(forms.Form):
    item = forms.CharField(label=_("Budget item"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    DELETE = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("item") and cleaned.get("amount") is None:
            self.add_error("amount", _("Give the amount."))
        if cleaned.get("amount") is not None and not cleaned.get("item"):
            self.add_error("item", _("Name the budget item."))
        return cleaned


class BudgetFormSetBase(_RowsFormSet):
    keys = ("item", "amount")


BudgetFormSet = forms.formset_factory(
    _BudgetRow, formset=BudgetFormSetBase, extra=2, max_num=30, validate_max=True
)


class _MilestoneRow(forms.Form):
    deliverable = forms.CharField(label=_("Deliverable"), max_length=255, required=False)
    due_month = forms.IntegerField(
        label=_("Due in month"), min_value=1, max_value=60, required=False
    )
    acceptance_criterion = forms.CharField(
        label=_("Acceptance criterion"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_expected = forms.CharField(
        label=_("Evidence the demand side will check"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    DELETE = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self):
        cleaned = super().clean()
        filled = [
            k
            for k in ("deliverable", "due_month", "acceptance_criterion", "evidence_expected")
            if cleaned.get(k) not in (None, "")
        ]
        if filled and len(filled) < 4 and not cleaned.get("DELETE"):
            raise forms.ValidationError(
                _(
                    "Each milestone needs a deliverable, a due month, an acceptance criterion and the evidence to check."
                )
            )
        return cleaned


class MilestoneFormSetBase(_RowsFormSet):
    keys = ("deliverable", "due_month", "acceptance_criterion", "evidence_expected")


MilestoneFormSet = forms.formset_factory(
    _MilestoneRow, formset=MilestoneFormSetBase, extra=2, max_num=24, validate_max=True
)
