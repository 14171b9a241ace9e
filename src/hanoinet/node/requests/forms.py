"""The drafting form, built from the kind's elements: each field says what the article
requires and why, in the officer's language."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hanoinet.core.convention import (
    NONE_AVAILABLE,
    Element,
    RequestKind,
    ValueType,
    is_none_available,
)
from hanoinet.node.convention.text import translate

STRUCTURED = {
    ValueType.OFFENCES,
    ValueType.IDENTIFIERS,
    ValueType.PERSONS,
    ValueType.PROPERTY,
    ValueType.PERIOD,
}
EXAMPLES = {
    ValueType.OFFENCES: (
        '[{"code": "art13", "provision": "Criminal Code art. 290", "max_penalty_years": 20}]'
    ),
    ValueType.IDENTIFIERS: (
        '[{"kind": "ip_port", "value": "203.0.113.7", "port": 443, '
        '"at": "2026-10-12T21:14:05+07:00"}]'
    ),
    ValueType.PERSONS: '[{"name": "…", "role": "suspect", "nationality": "…", "location": "…"}]',
    ValueType.PROPERTY: (
        '[{"description": "…", "location": "…", '
        '"estimated_value": {"amount": "1000.00", "currency": "USD"}}]'
    ),
    ValueType.PERIOD: '{"start": "2026-12-01T00:00:00+07:00", "end": "2027-01-30T00:00:00+07:00"}',
}


def _label(element: Element) -> str:
    cited = f" (Art. {element.article})" if element.article else ""
    return f"{translate(element.label)}{cited}"


class DraftForm(forms.Form):
    """Fields named after the elements; ``to_fields()`` gives the request's JSON."""

    def __init__(
        self,
        *args: Any,
        kind: RequestKind,
        initial_fields: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        initial_fields = initial_fields or {}
        self.fields["counterpart"] = forms.CharField(
            label=_("Requested State (ISO code)"), max_length=3
        )
        self.fields["reference"] = forms.CharField(
            label=_("Our reference"), max_length=100, required=False
        )
        for element in kind.elements:
            if element.name == "reference":
                continue
            self._add(element, initial_fields.get(element.name))

    def _add(self, element: Element, value: Any) -> None:
        common: dict[str, Any] = {
            "label": _label(element),
            "required": False,
            "help_text": translate(element.why),
        }
        name = element.name
        vt = element.value_type
        if vt in (ValueType.STATEMENT, ValueType.FLAG):
            self.fields[name] = forms.BooleanField(**common, initial=bool(value))
        elif vt is ValueType.DAYS:
            self.fields[name] = forms.IntegerField(
                **common, min_value=1, max_value=3650, initial=value
            )
        elif vt is ValueType.CHOICE:
            self.fields[name] = forms.ChoiceField(
                **common, choices=[("", "—"), *[(c, c) for c in element.choices]], initial=value
            )
        elif vt is ValueType.CHOICES:
            self.fields[name] = forms.MultipleChoiceField(
                **common,
                choices=[(c, c) for c in element.choices],
                widget=forms.CheckboxSelectMultiple,
                initial=value,
            )
        elif vt in STRUCTURED:
            self.fields[name] = forms.CharField(
                **common,
                widget=forms.Textarea(
                    attrs={"rows": 3, "placeholder": EXAMPLES[vt], "class": "json"}
                ),
                initial=json.dumps(value, ensure_ascii=False) if value else "",
            )
        else:
            none = is_none_available(value)
            self.fields[name] = forms.CharField(
                **common,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial="" if none else (value or ""),
                max_length=20000,
            )
            if element.accepts_none_available:
                self.fields[f"{name}__none"] = forms.BooleanField(
                    label=_("None available (state it explicitly)"), required=False, initial=none
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for element in self.kind.elements:
            if element.value_type in STRUCTURED and data.get(element.name):
                try:
                    data[element.name] = json.loads(data[element.name])
                except ValueError as exc:
                    self.add_error(element.name, _("Not valid JSON: %(error)s") % {"error": exc})
        return data

    def to_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields: dict[str, Any] = {}
        for element in self.kind.elements:
            if element.name == "reference":
                continue
            value = data.get(element.name)
            if data.get(f"{element.name}__none"):
                fields[element.name] = dict(NONE_AVAILABLE)
            elif element.value_type is ValueType.FLAG or element.value_type is ValueType.STATEMENT:
                if value:
                    fields[element.name] = True
            elif value not in (None, "", []):
                fields[element.name] = value
        if data.get("reference"):
            fields["reference"] = data["reference"]
        return fields


class DecisionForm(forms.Form):
    event = forms.ChoiceField(label=_("Action"))
    grounds = forms.MultipleChoiceField(
        label=_("Grounds (refusal)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    consultation_offered = forms.BooleanField(
        label=_("Consultation was offered first"), required=False
    )
    postponement_ground = forms.ChoiceField(
        label=_("Postponement ground"),
        required=False,
        choices=[
            ("", "—"),
            ("ongoing_domestic_case", _("Ongoing domestic investigation or proceeding")),
        ],
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def __init__(
        self, *args: Any, events: list[str], grounds: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        event = self.fields["event"]
        assert isinstance(event, forms.ChoiceField)  # noqa: S101 - declared above
        event.choices = [(e, e.replace("_", " ")) for e in events]
        ground_field = self.fields["grounds"]
        assert isinstance(ground_field, forms.MultipleChoiceField)  # noqa: S101
        ground_field.choices = grounds
