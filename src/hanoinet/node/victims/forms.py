"""The public report form: plain words, one question at a time, no JavaScript needed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hanoinet.core.reporting import (
    CATEGORY_LABELS,
    MAX_TEXT,
    PAYMENT_LABELS,
    Contact,
    Payment,
    Update,
)
from hanoinet.node.victims.models import SupportNote, VictimReport

# Each box of suspect details, the identifier kind it holds, and its label.
IDENTIFIER_BOXES: tuple[tuple[str, str, Any], ...] = (
    ("phones", "phone", _("Phone numbers they used")),
    ("emails", "email", _("E-mail addresses")),
    ("websites", "url", _("Websites or links")),
    (
        "social",
        "social",
        _("Social media or chat accounts (for example: facebook.com/name, Telegram @name)"),
    ),
    ("wallets", "wallet", _("Cryptocurrency wallet addresses")),
    (
        "banks",
        "bank_account",
        _("Bank accounts or IBANs (bank name or code, then the account number)"),
    ),
)
MAX_LINES = 20


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _choice(field: forms.Field) -> forms.ChoiceField:
    if not isinstance(field, forms.ChoiceField):  # pragma: no cover - a programming error
        raise TypeError(field)
    return field


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][: MAX_LINES + 1]


class IdentifierBoxes(forms.Form):
    """The boxes for the suspect's identifiers, one per kind, one value per line."""

    phones = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    emails = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    websites = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    social = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    wallets = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    banks = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, _kind, label in IDENTIFIER_BOXES:
            self.fields[name].label = label
            self.fields[name].help_text = gettext("One per line.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, _kind, _label in IDENTIFIER_BOXES:
            if len(_lines(data.get(name, ""))) > MAX_LINES:
                self.add_error(name, gettext("At most %(n)d lines.") % {"n": MAX_LINES})
        return data

    def identifiers(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for name, kind, _label in IDENTIFIER_BOXES:
            pairs.extend((kind, line) for line in _lines(self.cleaned_data.get(name, "")))
        return pairs


class ReportForm(IdentifierBoxes):
    category = forms.ChoiceField(
        label=_("What happened?"),
        widget=forms.RadioSelect,
        choices=[],
    )
    what_happened = forms.CharField(
        label=_("Tell us in your own words"),
        help_text=_("What happened, when, how they contacted you. Any language is fine."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_TEXT,
    )
    happened_on = forms.DateField(
        label=_("When did it start?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    amount = forms.CharField(label=_("How much did you lose?"), required=False, max_length=30)
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("Three letters, for example VND, USD, EUR."),
    )
    payment = forms.ChoiceField(label=_("How did you pay?"), widget=forms.RadioSelect, choices=[])
    transaction_hash = forms.CharField(
        label=_("Cryptocurrency transaction ID, if you have one"), required=False, max_length=200
    )
    attachments = MultipleFileField(
        label=_("Screenshots or files"),
        required=False,
        help_text=_("Pictures, PDF or text files; up to 5 files of 10 MB each."),
    )
    contact = forms.ChoiceField(
        label=_("How may we contact you?"), widget=forms.RadioSelect, choices=[]
    )
    contact_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    contact_email = forms.CharField(label=_("Your e-mail"), required=False, max_length=254)
    contact_phone = forms.CharField(label=_("Your phone number"), required=False, max_length=50)
    consent = forms.BooleanField(
        label=_(
            "I agree that the authorities use this report to investigate and to work with"
            " other States, as explained in the privacy notice."
        ),
        required=True,
    )
    # Left empty by people; bots fill every field they find.
    website_url = forms.CharField(
        required=False,
        max_length=200,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self.fields["category"]).choices = [
            (code.value, gettext(label)) for code, label in CATEGORY_LABELS.items()
        ]
        _choice(self.fields["payment"]).choices = [
            (code.value, gettext(label)) for code, label in PAYMENT_LABELS.items()
        ]
        self.fields["payment"].initial = Payment.NONE
        _choice(self.fields["contact"]).choices = [
            (Contact.EMAIL.value, gettext("By e-mail")),
            (Contact.PHONE.value, gettext("By phone")),
            (Contact.NONE.value, gettext("Do not contact me")),
        ]
        self.fields["contact"].initial = Contact.NONE

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website_url", "").strip())


class StatusLoginForm(forms.Form):
    reference = forms.CharField(label=_("Your reference"), max_length=40)
    secret = forms.CharField(
        label=_("Your secret code"), max_length=60, widget=forms.PasswordInput(render_value=False)
    )


class AdditionForm(IdentifierBoxes):
    text = forms.CharField(
        label=_("Something to add"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
    )
    attachments = MultipleFileField(label=_("Screenshots or files"), required=False)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportNote.Kind.choices)
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT
    )


class TriageForm(forms.Form):
    triage = forms.ChoiceField(label=_("Triage"), choices=VictimReport.Triage.choices)


class ShareForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to tell the victim"), choices=[])
    state = forms.CharField(label=_("State (three letters)"), required=False, max_length=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hanoinet.core.reporting import UPDATE_LABELS

        _choice(self.fields["kind"]).choices = [
            (kind.value, gettext(UPDATE_LABELS[kind]) % {"state": "…"}) for kind in Update
        ]
