from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label=_("State (name or code)"), required=False, max_length=100)
    language = forms.RegexField(
        label=_("Accepts language"),
        required=False,
        regex=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$",
        max_length=10,
        error_messages={"invalid": _("Use a language code such as en, fr or vi.")},
    )
    capability = forms.CharField(label=_("Handles request kind"), required=False, max_length=64)


class StateForm(forms.Form):
    """Secretariat editing of one State (authorities and keys come through the API/CLI)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    signed_on = forms.DateField(
        label=_("Signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    consent_kind = forms.ChoiceField(
        label=_("Bound by"),
        required=False,
        choices=[
            ("", "—"),
            ("ratification", _("ratification")),
            ("acceptance", _("acceptance")),
            ("approval", _("approval")),
            ("accession", _("accession")),
        ],
    )
    consent_on = forms.DateField(
        label=_("Bound on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    in_force_on = forms.DateField(
        label=_("In force on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    languages = forms.CharField(
        label=_("Accepted languages"),
        required=False,
        max_length=200,
        help_text=_("Language codes separated by commas, e.g. en, fr, vi."),
    )
    art42_reservation = forms.BooleanField(
        label=_("Art. 42 dual-criminality reservation"), required=False
    )
    interpol_channel = forms.BooleanField(
        label=_("Accepts requests through INTERPOL"), required=False
    )
    urgent_oral_requests = forms.BooleanField(
        label=_("Accepts urgent oral requests"), required=False
    )
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)

    def clean_languages(self) -> list[str]:
        import re

        raw = self.cleaned_data.get("languages", "")
        codes = [part.strip() for part in raw.split(",") if part.strip()]
        bad = [code for code in codes if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", code)]
        if bad:
            raise forms.ValidationError(
                _("Not a language code: %(codes)s"), params={"codes": ", ".join(bad)}
            )
        return codes

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if bool(data.get("consent_kind")) != bool(data.get("consent_on")):
            raise forms.ValidationError(
                _("Give both the kind and the date of consent to be bound, or neither.")
            )
        return data
