"""The form of a year's legal bases (the service checks each line and what an empty list means)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LegalBasesForm(forms.Form):
    bases = forms.CharField(
        label=_("Legal bases"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One a line, each beginning with “Căn cứ”, in the order the letter cites them. Empty: the law in force "
            "on each letter's date."
        ),
    )

    def lines(self) -> list[str]:
        return self.cleaned_data["bases"].splitlines()
