from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .events import Event
from .models import Mode
from .services import effective_mode


class PreferencesForm(forms.Form):
    """One e-mail choice per optional event the user may receive; mandatory ones are locked."""

    def __init__(self, *args: Any, rows: list[tuple[Event, str | None]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for event, stored in rows:
            if event.mandatory:
                continue
            self.fields[event.key] = forms.ChoiceField(
                label=event.label,
                choices=Mode.choices,
                initial=effective_mode(event, stored),
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one of the options.")},
            )

    def grouped(self) -> list[tuple[str, list[tuple[Event, forms.BoundField | None]]]]:
        """(category label, [(event, bound field or None when mandatory)]) in table order."""
        groups: dict[str, list[tuple[Event, forms.BoundField | None]]] = {}
        for event, _stored in self.rows:
            field = None if event.mandatory else self[event.key]
            groups.setdefault(event.category, []).append((event, field))
        return [(items[0][0].category_label, items) for items in groups.values()]
