from __future__ import annotations

from django import forms

from hanoinet.node.cases.models import Case


class CaseForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Case
        fields = ("reference", "title", "summary")
        widgets = {"summary": forms.Textarea(attrs={"rows": 6})}  # noqa: RUF012
