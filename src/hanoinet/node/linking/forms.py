from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

REQUEST_KINDS = (
    ("police_cooperation", _("Police cooperation (Art. 47)")),
    ("preservation", _("Preservation of stored data (Art. 42)")),
)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class MergeForm(ReasonForm):
    other = forms.UUIDField(label=_("Code of the other cluster"))


class SplitForm(ReasonForm):
    link_key = forms.CharField(label=_("Identifier that links falsely"), max_length=600)


class PromoteForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=64)
    title = forms.CharField(label=_("Case title"), max_length=200)


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of request"), choices=REQUEST_KINDS)
    counterpart = forms.CharField(label=_("Requested State (three letters)"), max_length=3)

    def clean_counterpart(self) -> str:
        value: Any = self.cleaned_data["counterpart"]
        return str(value).strip().upper()


class WarningForm(ReasonForm):
    pattern = forms.CharField(
        label=_("Identifier or pattern"),
        max_length=600,
        help_text=_("A link key such as phone:+84241234567, or domain:*.example.com"),
    )
