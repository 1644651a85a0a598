"""Forms of the conference minutes: the editor (day and hour typed as officials write them) and the issue
form. A form that fails keeps what was typed."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.forms import DateInput, TimeInput
from core.documents.forms import IssueForm
from core.forms import TextLimits

from ..forms.plan import TIME_FORMATS
from ..models import ConferenceMinutes


class MinutesForm(TextLimits, forms.ModelForm):
    held_on = forms.DateField(label=_("Day of the conference"), widget=DateInput())
    start_time = forms.TimeField(
        label=_("Opened at"), input_formats=TIME_FORMATS, widget=TimeInput(), help_text=_("hh:mm, e.g. 14:30")
    )
    ended_at = forms.TimeField(
        label=_("Ended at"),
        input_formats=TIME_FORMATS,
        widget=TimeInput(),
        required=False,
        help_text=_("Needed to issue the minutes."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ConferenceMinutes
        fields = [
            "place",
            "ended_at",
            "chair_name",
            "chair_position",
            "secretary_name",
            "secretary_position",
            "guests",
            "members_present",
            "proceedings",
            "conclusion",
        ]
        widgets = {
            "guests": forms.Textarea(attrs={"rows": 4}),
            "members_present": forms.Textarea(attrs={"rows": 8}),
            "proceedings": forms.Textarea(attrs={"rows": 10}),
            "conclusion": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "place": _("Venue"),
            "chair_name": _("Chair"),
            "chair_position": _("Chair's position"),
            "secretary_name": _("Secretary"),
            "secretary_position": _("Secretary's position"),
            "guests": _("Invited guests present"),
            "members_present": _("Delegates of the member units present"),
            "proceedings": _("Proceedings"),
            "conclusion": _("Conclusion"),
        }
        help_texts = {
            "guests": _("One group or person a line."),
            "members_present": _("One member unit a line, with its delegates."),
            "proceedings": _(
                "One paragraph a line: what was reported, the discussion, the opinions. The published ranking "
                "and the results of the published ballots are added from their records."
            ),
            "conclusion": _("One paragraph a line."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minutes = self.instance
        if minutes.held_at:
            local = timezone.localtime(minutes.held_at)
            self.initial.setdefault("held_on", local.date())
            self.initial.setdefault("start_time", local.time().replace(second=0, microsecond=0))
        self.initial["version"] = minutes.version
        self.fields["place"].required = True

    def clean(self):
        data = super().clean()
        day, start = data.get("held_on"), data.get("start_time")
        if day and start:
            self.instance.held_at = timezone.make_aware(
                datetime.datetime.combine(day, start), timezone.get_current_timezone()
            )
            ended = data.get("ended_at")
            if ended is not None and ended <= start:
                self.add_error("ended_at", _("The conference must end after it opens."))
        return data


class MinutesIssueForm(IssueForm):
    register_help = _("Suggested: the next free number of the bloc's register of minutes. Empty takes that one.")
