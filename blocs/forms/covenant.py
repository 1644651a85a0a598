"""Forms of the covenant pages: a unit's registration, the leader's draft and the issue form. They only collect
what was typed; the services in blocs/covenant.py check it and say what is wrong, in translated words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.documents.forms import IssueForm
from core.forms import TextLimits

from . import DateInput


class RegistrationForm(TextLimits, forms.Form):
    # Not required here: the service says what is missing (an empty list of targets, a missing signatory).
    targets = forms.CharField(
        label=_("Targets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One target per line, e.g. “Hoàn thành xuất sắc 100% nhiệm vụ chính trị được giao”."),
    )
    titles = forms.CharField(
        label=_("Emulation titles and awards registered"),
        required=False,
        max_length=500,
        help_text=_("e.g. Tập thể lao động xuất sắc; Cờ thi đua của Ủy ban nhân dân tỉnh"),
    )
    signatory_name = forms.CharField(
        label=_("Full name of the head who signs"),
        required=False,
        max_length=150,
        help_text=_("Without academic titles, as it is printed under the signature."),
    )
    signatory_position = forms.CharField(
        label=_("Position of the head who signs"),
        required=False,
        max_length=200,
        help_text=_("e.g. Giám đốc; Chánh Thanh tra; Đại tá, Giám đốc"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0


class CovenantForm(TextLimits, forms.Form):
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Date of the document"), widget=DateInput())
    preamble = forms.CharField(
        label=_("Preamble"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One paragraph per line."),
    )
    closing = forms.CharField(
        label=_("Closing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One paragraph per line; leave it empty to print no closing part."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0


class CovenantIssueForm(IssueForm):
    """The issue form every issued document shares (core.documents.forms); the covenant's page carries no version."""

    register_help = _("Suggested: the next free number of the bloc's register of covenants. Empty takes that one.")
    versioned = False
