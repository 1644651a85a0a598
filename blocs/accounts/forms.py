"""Forms for accounts: creating one, the board's changes to it, choosing a password, provinces."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from ..models import Province, Unit


class PersonForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[A-Za-z0-9.@+_-]+\Z",
        error_messages={"invalid": _("Use only letters without accents, digits and . @ + - _")},
        help_text=_("Without accents or spaces, e.g. nguyenvana.tuphap"),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The invitation with the link to choose a password is sent here.")
    )
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    invite = forms.BooleanField(
        label=_("Send the invitation by e-mail now"),
        required=False,
        initial=True,
        help_text=_("Without mail, leave it unticked and hand the person a link instead (on the account's page)."),
    )


class AccountEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("A new address stops the links sent to the old one; send a new invitation.")
    )
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class MoveForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Move to the unit"), queryset=Unit.objects.none())
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, help_text=_("e.g. the decision that transfers the officer.")
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.filter(province_id=person.unit.province_id, is_active=True)
            .exclude(pk=person.unit_id)
            .order_by("name")
        )


class AccountFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("All")),
        ("invited", _("Invited")),
        ("expired", _("Invitation expired")),
        ("not_invited", _("Not invited")),
        ("active", _("Active")),
        ("inactive", _("Deactivated")),
    ]
    q = forms.CharField(label=_("Name, username or e-mail"), required=False, max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All"))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(province=province).order_by("name")


class ChoosePasswordForm(SetPasswordForm):
    """Django's form (its password rules and messages), with autocomplete hints for password managers."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].widget.attrs.update(autocomplete="new-password", autofocus=True)
        self.fields["new_password2"].widget.attrs.update(autocomplete="new-password")


class ResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class ProvinceForm(forms.ModelForm):
    class Meta:
        model = Province
        fields = ["name", "code", "authority_name"]
        help_texts = {"code": _("A short code, e.g. the licence plate prefix or an abbreviation: TQ, HG.")}
