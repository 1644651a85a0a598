"""Forms of the imports: the file to upload, and the confirmation."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import XLS_MAGIC
from core.validators import UploadValidator

_upload = UploadValidator(("xlsx",))


def validate_workbook_upload(uploaded) -> None:
    """The project's upload check (empty, too large, not an .xlsx by its content), saying so plainly when the
    file is an old Excel 97-2003 workbook: the usual mistake."""
    try:
        _upload(uploaded)
    except ValidationError as error:
        if error.code == "bad_type":
            uploaded.seek(0)
            head = uploaded.read(len(XLS_MAGIC))
            uploaded.seek(0)
            if head == XLS_MAGIC:
                raise ValidationError(
                    _("The file “%(name)s” is an old Excel 97-2003 workbook (.xls); save it as .xlsx and try again."),
                    code="old_excel",
                    params={"name": uploaded.name},
                ) from None
        raise


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        validators=[validate_workbook_upload],
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class PeopleConfirmForm(forms.Form):
    invite = forms.BooleanField(
        label=_("Send an invitation by e-mail to each new account"),
        help_text=_("Each new officer receives a link to choose a password. Without it, print the links afterwards."),
        required=False,
        initial=True,
    )


class MembersConfirmForm(forms.Form):
    """Nothing to choose: the confirmation alone."""
