"""Forms of the comment round: publishing a draft (the file and its section titles, one a line), a member's
comment, the leader's answer, and a new comment window. The checks that matter live in conference.comments; these
only shape input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.forms import DateInput
from core.forms import TextLimits

from ..services.comments import ANSWER_LABELS


class PublishForm(TextLimits, forms.Form):
    file = forms.FileField(
        label=_("Draft file (PDF or DOCX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    sections = forms.CharField(
        label=_("Section titles"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One section title a line, so that members can comment on a section."),
    )

    def clean_sections(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["sections"].splitlines() if line.strip()]


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"), required=False)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)

    def __init__(self, *args, sections: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("General comment")), *((title, title) for title in sections)]


class AnswerForm(TextLimits, forms.Form):
    status = forms.ChoiceField(label=_("Answer"), choices=list(ANSWER_LABELS.items()), widget=forms.RadioSelect)
    answer = forms.CharField(
        label=_("Answer text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the comment is declined: say why."),
    )


class WindowForm(forms.Form):
    """A new comment window, once the last one has closed: from now until the end of the day chosen."""

    until = forms.DateField(
        label=_("Comments taken until"),
        widget=DateInput(),
        help_text=_("The window opens now and closes at 23:59 on that day."),
    )
    # Where the leader set it from: the summary report's page or the draft-report page.
    back = forms.CharField(widget=forms.HiddenInput, required=False)
