from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hanoinet.node.accounts.models import Unit, User


class ShiftForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    primary = forms.ModelChoiceField(label=_("On call"), queryset=User.objects.none())
    backup = forms.ModelChoiceField(label=_("Backup"), queryset=User.objects.none())
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=User.objects.none())

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = User.objects.filter(unit=unit, is_active=True).order_by("username")
        for name in ("primary", "backup", "supervisor"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (declared above)
            field.queryset = members

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A shift ends after it starts."))
        return data
