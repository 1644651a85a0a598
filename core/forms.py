"""Forms every app shares: the sign-in form, the length limit of free text, and service errors shown on a form."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.formats import number_format
from django.utils.translation import ngettext


class LoginForm(AuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


def apply_service_errors(form, error) -> None:
    """Show a service's ValidationError on the form, field by field when it names the form's fields."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


class TextLimits:
    """A form whose free text is bounded: every text field without its own `max_length` gets one (a box of several
    lines TEXT_MAX_CHARS, a one-line field LINE_MAX_CHARS, or the form's `text_max_chars`), which the browser
    enforces as it is typed (maxlength), the form checks (with Django's message, in the reader's language), and
    a box's help text states ("At most 20,000 characters."). Fields added in a subclass's __init__ are covered too:
    the limits are set when the form is first read or validated. Mix it in first: `class F(TextLimits, Form)`."""

    text_max_chars: int | None = None  # for this form's boxes of several lines; None: TEXT_MAX_CHARS
    state_text_limits = True  # False where the page states the limit itself (a table's header)

    def _limit_text(self) -> None:
        if getattr(self, "_text_limited", False):
            return
        self._text_limited = True
        for field in self.fields.values():
            if type(field) is not forms.CharField or field.max_length is not None:  # not a points field, an e-mail…
                continue
            if isinstance(field.widget, forms.HiddenInput | forms.PasswordInput):
                continue
            long = isinstance(field.widget, forms.Textarea)
            limit = (self.text_max_chars or settings.TEXT_MAX_CHARS) if long else settings.LINE_MAX_CHARS
            limit_text(field, limit, state=long and self.state_text_limits)

    def full_clean(self):
        self._limit_text()
        return super().full_clean()

    def __getitem__(self, name):
        self._limit_text()
        return super().__getitem__(name)

    def __iter__(self):
        self._limit_text()
        return super().__iter__()


def limit_text(field: forms.CharField, limit: int, *, state: bool = True) -> forms.CharField:
    """Bound one text field to `limit` characters: checked, enforced by the browser and, with `state`, said."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs["maxlength"] = str(limit)
    if state:
        said = ngettext("At most %(n)s character.", "At most %(n)s characters.", limit) % {
            "n": number_format(limit, force_grouping=True)
        }
        field.help_text = f"{field.help_text} {said}".strip() if field.help_text else said
    return field
