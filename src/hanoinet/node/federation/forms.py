from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hanoinet.node.register.models import RegisterState


class NoteForm(forms.Form):
    recipient = forms.ChoiceField(label=_("To (State)"))
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[("routine", _("Routine")), ("urgent", _("Urgent")), ("emergency", _("Emergency"))],
        initial="routine",
    )
    urgency_reason = forms.CharField(
        label=_("Reason for urgency"),
        required=False,
        max_length=2000,
        help_text=_(
            "Required for urgent and emergency messages: the on-call officer is paged at once."
        ),
    )

    def __init__(self, *args: Any, fixed_recipient: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = (
            RegisterState.objects.exclude(endpoint="")
            .exclude(code=settings.HANOINET_STATE)
            .order_by("name")
        )
        recipient = self.fields["recipient"]
        assert isinstance(recipient, forms.ChoiceField)  # noqa: S101 - declared above
        recipient.choices = [(s.code, f"{s.name} ({s.code})") for s in states]
        if fixed_recipient:
            self.fields["recipient"].initial = fixed_recipient
            self.fields["recipient"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("urgency") in {"urgent", "emergency"}
            and not str(data.get("urgency_reason", "")).strip()
        ):
            self.add_error("urgency_reason", _("Say why this is urgent (Art. 40)."))
        return data
