"""Forms of the bloc's meetings: setting a meeting up (kind, day and hour, venue, chair, presenter, guests from the
board and others, the comment window) and its minutes' editor. A form that fails keeps what was typed."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blocs.forms import DateInput, TimeInput
from blocs.models import Person
from core.forms import TextLimits

from ..forms.plan import TIME_FORMATS
from ..models import Meeting, MeetingMinutes, MeetingPlan
from ..services import meetings as services
from .minutes import MinutesForm


def _aware(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment), timezone.get_current_timezone())


class BoardGuestField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person: Person) -> str:
        return f"{person.user.full_name} – {person.position}" if person.position else person.user.full_name


class MeetingForm(TextLimits, forms.ModelForm):
    held_on = forms.DateField(label=_("Day"), widget=DateInput())
    start_time = forms.TimeField(
        label=_("Hour"), input_formats=TIME_FORMATS, widget=TimeInput(), help_text=_("hh:mm, e.g. 08:00")
    )
    board_guests = BoardGuestField(
        label=_("Guests from the provincial board"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_guests = forms.CharField(
        label=_("Other guests"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One guest a line: name; position; body — e.g. “Trần Văn B; Phó Giám đốc; Sở Nội vụ”."),
    )
    comments_from = forms.DateField(label=_("Comments from"), widget=DateInput(), required=False)
    comments_until = forms.DateField(
        label=_("Comments until"),
        widget=DateInput(),
        required=False,
        help_text=_("Members comment on the draft from the first day (00:00) to the last (23:59)."),
    )

    class Meta:
        model = Meeting
        fields = ["kind", "subject", "place", "chair_name", "chair_position", "presenter"]
        labels = {
            "kind": _("Kind of meeting"),
            "subject": _("Subject"),
            "place": _("Venue"),
            "chair_name": _("Chair"),
            "chair_position": _("Chair's position"),
            "presenter": _("Presenter of the draft report"),
        }
        help_texts = {
            "presenter": _("Its unit publishes the draft report and answers the comments."),
        }
        widgets = {"presenter": forms.RadioSelect}

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.year = year
        self.fields["board_guests"].queryset = (
            Person.objects.filter(board_province_id=year.bloc.province_id, user__is_active=True)
            .select_related("user", "board_province")
            .order_by("pk")
        )
        meeting = self.instance
        if meeting.held_at:
            local = timezone.localtime(meeting.held_at)
            self.initial.setdefault("held_on", local.date())
            self.initial.setdefault("start_time", local.time().replace(second=0, microsecond=0))
        chosen = [g["person"] for g in meeting.guests if g.get("person")]
        self.initial.setdefault("board_guests", chosen)
        self.initial.setdefault(
            "other_guests",
            "\n".join(
                "; ".join(part for part in (g["name"], g.get("position", ""), g.get("body", "")))
                for g in meeting.guests
                if not g.get("person")
            ),
        )
        if meeting.comments_open_at:
            self.initial.setdefault("comments_from", timezone.localtime(meeting.comments_open_at).date())
        if meeting.comments_close_at:
            self.initial.setdefault("comments_until", timezone.localtime(meeting.comments_close_at).date())
        self.fields["place"].required = True

    def clean(self):
        data = super().clean()
        meeting = self.instance
        day, start = data.get("held_on"), data.get("start_time")
        if day and start:
            meeting.held_at = _aware(day, start)
        opens, closes = data.get("comments_from"), data.get("comments_until")
        meeting.comments_open_at = _aware(opens, datetime.time(0, 0)) if opens else None
        meeting.comments_close_at = _aware(closes, datetime.time(23, 59)) if closes else None
        if opens and closes and opens > closes:
            self.add_error("comments_until", _("The comment window must end after it opens."))
        try:
            others = services.parse_guests(data.get("other_guests", ""))
        except forms.ValidationError as error:
            self.add_error(None, error)
            others = []
        meeting.guests = [services.board_guest(p) for p in data.get("board_guests") or []] + others
        # The service's own checks, so that the form names every problem at once (the service checks them again).
        meeting.kind, meeting.subject = data.get("kind") or meeting.kind, data.get("subject", meeting.subject)
        meeting.presenter = data.get("presenter") or meeting.presenter
        for field, message in services.meeting_problems(meeting).items():
            if field in ("comments_open_at", "comments_close_at"):
                field = "comments_from" if field == "comments_open_at" else "comments_until"
            if field == "held_at":
                field = "held_on"
            if field not in self.errors:
                self.add_error(field, message)
        return data


class MeetingMinutesForm(MinutesForm):
    held_on = forms.DateField(label=_("Day of the meeting"), widget=DateInput())

    class Meta(MinutesForm.Meta):
        model = MeetingMinutes
        help_texts = {
            **MinutesForm.Meta.help_texts,
            "proceedings": _("One paragraph a line: what was reported, the discussion, the opinions."),
        }


class MeetingPlanForm(TextLimits, forms.ModelForm):
    """The meeting plan's editor: one item, group or task a line in the lists."""

    dated = forms.DateField(label=_("Date of the document"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MeetingPlan
        fields = [
            "place",
            "dated",
            "purpose",
            "requirements",
            "agenda",
            "participants",
            "preparations",
            "recipients",
            "signer_authority",
            "signer_body",
            "signer_position",
            "signer_name",
        ]
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "requirements": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "participants": forms.Textarea(attrs={"rows": 6}),
            "preparations": forms.Textarea(attrs={"rows": 5}),
            "recipients": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "place": _("Place of issue"),
            "purpose": _("Purpose"),
            "requirements": _("Requirements"),
            "agenda": _("Agenda"),
            "participants": _("Participants"),
            "preparations": _("Who prepares what"),
            "recipients": _("Recipients"),
            "signer_authority": _("Authority line"),
            "signer_body": _("Signing body"),
            "signer_position": _("Signer's position"),
            "signer_name": _("Signer"),
        }
        help_texts = {
            "agenda": _("One item a line."),
            "participants": _("One group or person a line."),
            "preparations": _("One task a line, starting with the unit that does it."),
            "recipients": _("One a line, e.g. “Lưu: VT”."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["version"] = self.instance.version
        self.fields["place"].required = True
