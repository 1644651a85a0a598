"""Forms of the bloc's summary report: the editor (the narrative sections, the date, Nơi nhận and the signature)
and the issue form. A form that fails keeps what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from blocs.forms import DateInput
from core.documents.forms import IssueForm
from core.forms import TextLimits

from ..models import SummaryReport

PARAGRAPHS = _("One paragraph a line; a line starting with “-” is a list item; **bold** and *italic* as in the plan.")


class SummaryForm(TextLimits, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = SummaryReport
        fields = [
            "place",
            "dated",
            "introduction",
            "results",
            "limitations",
            "lessons",
            "directions",
            "recipients",
            "signer_authority",
            "signer_body",
            "signer_position",
            "signer_name",
        ]
        widgets = {
            "dated": DateInput(),
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 14}),
            "limitations": forms.Textarea(attrs={"rows": 6}),
            "lessons": forms.Textarea(attrs={"rows": 5}),
            "directions": forms.Textarea(attrs={"rows": 8}),
            "recipients": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "place": _("Place"),
            "dated": _("Date of the document"),
            "introduction": _("Introduction"),
            "results": _("Results of the emulation campaigns"),
            "limitations": _("II. Limitations and their causes"),
            "lessons": _("III. Lessons learned"),
            "directions": _("IV. Directions and tasks for next year"),
            "recipients": _("Recipients (Nơi nhận)"),
            "signer_authority": _("Authority line"),
            "signer_body": _("Second line"),
            "signer_position": _("Third line"),
            "signer_name": _("Signer's name"),
        }
        help_texts = {
            "dated": _("dd/mm/yyyy. Issuing takes the number in the register of this date's year."),
            "introduction": PARAGRAPHS,
            "results": _(
                "What the bloc achieved in the year's campaigns. One paragraph a line; a line starting with “-” is "
                "a list item. The members, the reports on time, the ranking, the vote and next year's leaders are "
                "added from their records."
            ),
            "limitations": PARAGRAPHS,
            "lessons": PARAGRAPHS,
            "directions": PARAGRAPHS,
            "recipients": _("One recipient a line, e.g. “Ban Thi đua - Khen thưởng tỉnh (B/cáo)”."),
            "signer_authority": _("e.g. TM. KHỐI THI ĐUA NỘI CHÍNH"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = self.instance.version
        self.fields["place"].required = True


class SummaryIssueForm(IssueForm):
    register_help = _("Suggested: the next free number of the bloc's register of reports. Empty takes that one.")


class SendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
