"""The officer's order form and the provider's response form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hanoinet.node.providers.actions import MAX_FILES, MAX_STATEMENT, MAX_WHAT
from hanoinet.node.providers.models import ProviderOrder, ServiceProvider
from hanoinet.node.victims.forms import MultipleFileField

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class OrderForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Service provider"),
        queryset=ServiceProvider.objects.all(),
        to_field_name="code",  # public codes in the page, never database ids
        empty_label=None,
    )
    kind = forms.ChoiceField(label=_("Order to"), choices=[])
    what = forms.CharField(
        label=_("Data to preserve or produce"),
        help_text=_("Taken from the request; state only what the provider needs to know."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_WHAT,
    )
    due_at = forms.DateTimeField(
        label=_("Deadline"),
        help_text=_("For a preservation: the end of the preservation period."),
        input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    instructions = forms.CharField(
        label=_("Instructions (optional)"),
        help_text=_("For example: keep the order confidential; do not notify the subscriber."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )

    def __init__(self, *args: Any, kinds: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared just above
        labels = dict(ProviderOrder.Kind.choices)
        field.choices = [(kind, labels[kind]) for kind in kinds]


class ResponseForm(forms.Form):
    statement = forms.CharField(
        label=_("Statement"),
        help_text=_(
            "What was preserved or produced, from which systems and for which period; or why"
            " nothing could be."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_STATEMENT,
    )
    attachments = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = gettext(
            "Up to %(count)d files of at most %(size)s each: CSV, JSON, text, PDF, pictures,"
            " or a ZIP or gzip archive."
        ) % {
            "count": MAX_FILES,
            "size": filesizeformat(settings.HANOINET_PROVIDER_MAX_FILE_BYTES),
        }
