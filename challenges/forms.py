from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from entities.eligibility import CURRENT_RULESET
from entities.files import ACCEPT_ATTRIBUTE, inspect_upload

from .enums import CooperationMode, Sector
from .models import Bid, Challenge, ChallengeKPI
from .selectors import browse_challenges

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


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
        error_messages={"required": _("Choose at least one cooperation mode.")},
    )
    deadline = DeadlineField(
        label=_("Bidding deadline (Beijing time, UTC+8)"),
        required=False,
        help_text=_("Bids are accepted until this moment by the portal's clock."),
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
        (_("Timeline"), ("deadline",)),
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and self.instance.deadline:
            self.initial["deadline"] = timezone.localtime(self.instance.deadline).strftime(
                DATETIME_LOCAL
            )

    def clean_summary(self):
        summary = self.cleaned_data["summary"].strip()
        if "\n\n" in summary:
            raise forms.ValidationError(_("Keep the summary to one paragraph."))
        return summary

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline

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


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=_(
            "PDF, image or office document, up to 20 MB. The type is checked from the content."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    public = forms.BooleanField(
        label=_("Public: anyone may download it once the challenge is published"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.upload_info = inspect_upload(upload)
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class VettingForm(forms.Form):
    ACTIONS = (
        ("publish", _("Publish: the challenge is listed and open for bids")),
        ("return", _("Return for changes: the owner edits the draft and submits again")),
        ("reject", _("Reject: the challenge cannot take part in the programme")),
    )
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Comments to the owner"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Required when returning or rejecting; shown to the owner and e-mailed."),
        max_length=4000,
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") in ("return", "reject")
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Tell the owner what to change or why it is rejected."))
        return cleaned


# --------------------------------------------------------------------------- public listing
def _asean_country_choices():
    return sorted(
        ((code, str(countries.name(code))) for code in CURRENT_RULESET.asean_members),
        key=lambda c: c[1],
    )


class ChallengeFilter(django_filters.FilterSet):
    """Search, filters and sort of the public listing (no model fields exposed directly)."""

    q = django_filters.CharFilter(label=_("Search"), method="noop")
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"),
        choices=_asean_country_choices,
        method="noop",
        widget=forms.CheckboxSelectMultiple,
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.choices, method="noop", empty_label=_("All sectors")
    )
    mode = django_filters.ChoiceFilter(
        label=_("Cooperation mode"),
        choices=CooperationMode.choices,
        method="noop",
        empty_label=_("All modes"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=(("open", _("Open for bids")), ("closed", _("Closed"))),
        method="noop",
        empty_label=_("Open and closed"),
    )
    deadline_before = django_filters.DateFilter(
        label=_("Deadline on or before"),
        method="noop",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=(
            ("relevance", _("Relevance")),
            ("deadline", _("Deadline soonest")),
            ("newest", _("Newest")),
        ),
        method="noop",
        empty_label=None,
    )

    class Meta:
        model = Challenge
        fields: list[str] = []

    def noop(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            # Apply every valid filter; an invalid one is shown as an error next to
            # its field and ignored, never silently dropping the others.
            data = {}
            if self.is_bound:
                self.form.is_valid()
                data = self.form.cleaned_data
            self._qs = browse_challenges(
                query=data.get("q") or "",
                countries=list(data.get("country") or []),
                sector=data.get("sector") or "",
                mode=data.get("mode") or "",
                status=data.get("status") or "",
                deadline_before=data.get("deadline_before"),
                sort=data.get("sort") or "",
            )
        return self._qs


# --------------------------------------------------------------------------- bids
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
        from stdnum.iso7064 import mod_11_2

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
                label=_("Plan for %(mode)s") % {"mode": str(label).lower()},
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

    def clean(self):
        cleaned = super().clean()
        chosen = [v for v, _l, _s in self.mode_rows if cleaned.get(f"mode_{v}")]
        if not chosen:
            raise forms.ValidationError(_("Choose at least one cooperation mode."))
        for value in chosen:
            if not (cleaned.get(f"plan_{value}") or "").strip():
                self.add_error(
                    f"plan_{value}", _("Describe in a few sentences how you will do this.")
                )
        return cleaned

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


class PartnerPickForm(forms.Form):
    organization = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.CharField(label=_("Role in the project"), max_length=200)
    contribution = forms.CharField(
        label=_("Contribution"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PartnerInviteForm(forms.Form):
    name = forms.CharField(label=_("Organization name"), max_length=255)
    email = forms.EmailField(label=_("E-mail of a person who can answer for it"))
    role = forms.CharField(label=_("Role in the project"), max_length=200)
    contribution = forms.CharField(
        label=_("Contribution"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PartnerResponseForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Answer on behalf of"), queryset=None, empty_label=None
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=(("accept", _("Accept: join this bid as a partner")), ("decline", _("Decline"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the applicant (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
