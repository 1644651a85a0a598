"""Forms of the blocs app. Every message is translated; a form that fails keeps what was typed."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import TextLimits
from core.widgets import PrivateFileInput

from ..enums import Audience, Phase
from ..models import Bloc, Deadline, EmulationYear, Unit

DATE_PLACEHOLDER = "dd/mm/yyyy"


class DateInput(forms.DateInput):
    """A text field for dd/mm/yyyy: what officials type, the same in every browser and language."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": DATE_PLACEHOLDER,
                "inputmode": "numeric",
                "autocomplete": "off",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )


class TimeInput(forms.TimeInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "hh:mm", "inputmode": "numeric", **(attrs or {})}, format="%H:%M")


def _year_field(label):
    return forms.IntegerField(label=label, min_value=2000, max_value=2100)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "parent_body", "email", "is_active"]

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.province = province
        # Examples and defaults from the viewer's own province.
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("parent_body", province.header_name)
        self.fields["parent_body"].help_text = _("As written in document headers, in capitals, e.g. %(example)s") % {
            "example": province.header_name
        }
        self.fields["name"].widget.attrs["placeholder"] = _("e.g. Sở Tư pháp tỉnh %(province)s") % {
            "province": province.name
        }

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        taken = Unit.objects.filter(province=self.instance.province, code=code).exclude(pk=self.instance.pk).first()
        if taken:
            raise forms.ValidationError(
                _("The code “%(code)s” is already used by %(unit)s."),
                params={"code": code, "unit": taken.name},
            )
        return code


class BlocForm(forms.ModelForm):
    class Meta:
        model = Bloc
        fields = [
            "name",
            "short_name",
            "code",
            "regulation_title",
            "regulation_number",
            "regulation_date",
            "regulation_issuer",
            "regulation_file",
            "is_active",
        ]
        widgets = {"regulation_date": DateInput(), "regulation_file": PrivateFileInput()}

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.province = province
        self.fields["regulation_file"].help_text = _("PDF or DOCX.")
        self.fields["regulation_title"].help_text = _(
            "e.g. Quy chế tổ chức và hoạt động của Khối thi đua Nội chính tỉnh %(province)s"
        ) % {"province": province.name}

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        taken = Bloc.objects.filter(province=self.instance.province, code=code).exclude(pk=self.instance.pk).first()
        if taken:
            raise forms.ValidationError(
                _("The code “%(code)s” is already used by %(bloc)s."),
                params={"code": code, "bloc": taken.name},
            )
        return code


TIE_BREAKS = [
    ("", _("— nothing more (the units share the rank) —")),
    ("group_first", _("the higher score of the first group (I)")),
    ("fewer_deductions", _("fewer deductions")),
    ("higher_bonus", _("more bonus points")),
]


class BlocSettingsForm(TextLimits, forms.Form):
    """The numbers the law leaves to each province, with the brief's values as defaults."""

    score_scale = forms.IntegerField(label=_("Scale of the criteria table (points)"), min_value=1, max_value=10000)
    bonus_cap = forms.DecimalField(label=_("Bonus points cap"), min_value=0, max_digits=6, decimal_places=2)
    deduction_cap = forms.DecimalField(label=_("Deductions cap"), min_value=0, max_digits=6, decimal_places=2)
    band_excellent = forms.DecimalField(
        label=_("“Xuất sắc” from (points)"), min_value=0, max_digits=6, decimal_places=2
    )
    band_good = forms.DecimalField(label=_("“Tốt” from (points)"), min_value=0, max_digits=6, decimal_places=2)
    band_fair = forms.DecimalField(label=_("“Khá” from (points)"), min_value=0, max_digits=6, decimal_places=2)
    tie_break_first = forms.ChoiceField(label=_("Equal totals: first look at"), choices=TIE_BREAKS, required=False)
    tie_break_second = forms.ChoiceField(label=_("Then at"), choices=TIE_BREAKS, required=False)
    late_self_assessment = forms.ChoiceField(
        label=_("A self-assessment after its deadline is"),
        choices=[("accept_marked_late", _("accepted but marked late")), ("closed", _("refused (closed)"))],
    )
    flag_quota = forms.IntegerField(label=_("Emulation Flags proposed per year"), min_value=0, max_value=20)
    merit_quota = forms.IntegerField(label=_("Certificates of Merit proposed per year"), min_value=0, max_value=50)
    vote_threshold_percent = forms.IntegerField(label=_("Vote threshold (%)"), min_value=1, max_value=100)
    vote_threshold_strict = forms.BooleanField(
        label=_("Strictly more than the threshold"),
        required=False,
        help_text=_("“More than 50%” rather than “at least 50%”."),
    )
    vote_denominator = forms.ChoiceField(
        label=_("Votes counted against"),
        choices=[("members", _("all member units")), ("present", _("the units present"))],
    )
    quorum_percent = forms.IntegerField(label=_("Quorum (percentage of members present)"), min_value=0, max_value=100)
    allow_self_vote = forms.BooleanField(label=_("A unit may vote for itself"), required=False)
    vote_tie_break = forms.ChoiceField(
        label=_("Units tied at the quota's edge"),
        choices=[
            ("runoff", _("vote again among the tied units (run-off)")),
            ("higher_score", _("the better rank in the ranking wins; a run-off only if that ties too")),
        ],
        required=False,
    )
    next_leader_task_days = forms.IntegerField(
        label=_("Next year's leader: launch plan due (days after the conference)"),
        min_value=1,
        max_value=120,
        required=False,
    )
    covenant_registration_days = forms.IntegerField(
        label=_("Covenant targets due from the units (days after the conference)"),
        min_value=1,
        max_value=180,
        required=False,
    )
    reminder_offsets_days = forms.CharField(
        label=_("Reminders before a deadline (days before it)"),
        help_text=_("Comma-separated, e.g. 7, 3, 1"),
    )
    overdue_reminder_days = forms.IntegerField(
        label=_("Reminders after a deadline (one a day, for this many days)"), min_value=0, max_value=30
    )
    late_submission_grace_days = forms.IntegerField(
        label=_("Late reports accepted (and marked late) for this many days"), min_value=0, max_value=90
    )
    summary_page_limit = forms.DecimalField(
        label=_("Summary report page limit (A4 pages)"),
        min_value=0.5,
        max_value=20,
        max_digits=4,
        decimal_places=1,
    )
    storage_quota_mb = forms.IntegerField(
        label=_("Files each unit may store per year (MB)"),
        help_text=_("Evidence, report files and award dossiers together."),
        min_value=1,
        max_value=100_000,
        required=False,
    )

    @classmethod
    def initial_for(cls, bloc: Bloc) -> dict:
        bands = {b["label"]: b["min"] for b in bloc.setting("classification_bands")}
        keys = [k for k in cls.base_fields if not k.startswith(("band_", "tie_break_"))]
        initial = {k: bloc.setting(k) for k in keys}
        initial["reminder_offsets_days"] = ", ".join(str(d) for d in bloc.setting("reminder_offsets_days"))
        order = [*bloc.setting("tie_break_order"), "", ""]
        initial.update(tie_break_first=order[0], tie_break_second=order[1])
        initial.update(
            band_excellent=bands.get("Xuất sắc", 90),
            band_good=bands.get("Tốt", 75),
            band_fair=bands.get("Khá", 60),
        )
        return initial

    def clean_reminder_offsets_days(self):
        raw = self.cleaned_data["reminder_offsets_days"]
        try:
            days = sorted({int(part) for part in raw.replace(";", ",").split(",") if part.strip()}, reverse=True)
        except ValueError as exc:
            raise forms.ValidationError(_("Write whole numbers of days separated by commas.")) from exc
        if any(d < 0 or d > 90 for d in days):
            raise forms.ValidationError(_("Write days before the deadline, from 0 to 90."))
        return days

    def clean(self):
        data = super().clean()
        bands = [data.get("band_excellent"), data.get("band_good"), data.get("band_fair")]
        if None not in bands and not bands[0] > bands[1] > bands[2]:
            raise forms.ValidationError(_("The classification bands must decrease: Xuất sắc > Tốt > Khá."))
        scale = data.get("score_scale")
        if scale is not None and bands[0] is not None and bands[0] > scale:
            self.add_error("band_excellent", _("The band cannot exceed the scale."))
        return data

    def to_settings(self) -> dict:
        data = dict(self.cleaned_data)
        bands = [
            {"label": "Xuất sắc", "min": float(data.pop("band_excellent"))},
            {"label": "Tốt", "min": float(data.pop("band_good"))},
            {"label": "Khá", "min": float(data.pop("band_fair"))},
            {"label": "Không hoàn thành", "min": 0},
        ]
        order = [data.pop("tie_break_first"), data.pop("tie_break_second")]
        data["tie_break_order"] = [key for i, key in enumerate(order) if key and key not in order[:i]]
        for key in ("bonus_cap", "deduction_cap", "summary_page_limit"):
            data[key] = float(data[key])
        for key in ("vote_tie_break", "next_leader_task_days", "covenant_registration_days", "storage_quota_mb"):
            if data.get(key) in (None, ""):  # an older form without the field keeps the default
                data[key] = settings.BLOC_SETTING_DEFAULTS[key]
        data["classification_bands"] = bands
        return data


class MembershipForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    start_year = _year_field(_("From year"))
    end_year = forms.IntegerField(
        label=_("To year"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Empty while it lasts."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, bloc: Bloc, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = Unit.objects.filter(province_id=bloc.province_id, is_active=True).order_by("name")
        # Units already in the bloc (a membership without an end) are not offered again; one that left may rejoin.
        # Only the list changes: a current member sent anyway (a stale page) is still refused by the service, with
        # the period it overlaps, and the one chosen stays selected when the form comes back with an error.
        current = set(bloc.memberships.filter(end_year__isnull=True).values_list("unit_id", flat=True))
        chosen = str(self.data.get("unit", "")) if self.is_bound else ""
        field.widget.choices = [("", field.empty_label)] + [
            (unit.pk, field.label_from_instance(unit))
            for unit in field.queryset
            if unit.pk not in current or str(unit.pk) == chosen
        ]
        # The bloc's newest year that is not closed (the one being run), else the calendar's.
        current = bloc.years.exclude(phase=Phase.CLOSED).order_by("-year").values_list("year", flat=True).first()
        self.fields["start_year"].initial = current or timezone.localdate().year


class MembershipEndForm(forms.Form):
    end_year = _year_field(_("Last year of membership"))


class RotationForm(forms.Form):
    """The rotation order as numbered choices; leave the tail empty."""

    def __init__(self, *args, bloc: Bloc, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(memberships__bloc=bloc).distinct().order_by("name")
        current = list(bloc.rotation.order_by("position").values_list("unit_id", flat=True))
        size = max(len(current), units.count())
        for i in range(1, size + 1):
            self.fields[f"place_{i}"] = forms.ModelChoiceField(
                label=_("Place %(n)d") % {"n": i},
                queryset=units,
                required=False,
                initial=current[i - 1] if i <= len(current) else None,
                empty_label=_("— none —"),
            )

    def clean(self):
        data = super().clean()
        chosen = [data[name] for name in self.fields if data.get(name)]
        seen = set()
        for unit in chosen:
            if unit.pk in seen:
                raise forms.ValidationError(
                    _("%(unit)s appears twice in the rotation order."), params={"unit": unit.short_name}
                )
            seen.add(unit.pk)
        data["units"] = chosen
        return data


class YearCreateForm(forms.Form):
    year = _year_field(_("Year"))
    leader = forms.ModelChoiceField(label=_("Leader unit"), queryset=Unit.objects.none())
    deputy = forms.ModelChoiceField(label=_("Deputy leader unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args, bloc: Bloc, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(memberships__bloc=bloc).distinct().order_by("name")
        self.fields["leader"].queryset = units
        self.fields["deputy"].queryset = units


class YearEditForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader unit"), queryset=Unit.objects.none())
    deputy = forms.ModelChoiceField(label=_("Deputy leader unit"), queryset=Unit.objects.none(), required=False)
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    note = forms.CharField(
        label=_("Reason for a change of leader"),
        max_length=300,
        required=False,
        help_text=_("Recorded in the history of leaders."),
    )

    def __init__(self, *args, emulation_year: EmulationYear, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(memberships__bloc=emulation_year.bloc).distinct().order_by("name")
        self.fields["leader"].queryset = units
        self.fields["deputy"].queryset = units


class NextYearForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader unit"), queryset=Unit.objects.none())
    deputy = forms.ModelChoiceField(label=_("Deputy leader unit"), queryset=Unit.objects.none(), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    copy_calendar = forms.BooleanField(
        label=_("Copy this year's calendar, moved one year on"), required=False, initial=True
    )

    def __init__(self, *args, emulation_year: EmulationYear, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(memberships__bloc=emulation_year.bloc).distinct().order_by("name")
        self.fields["leader"].queryset = units
        self.fields["deputy"].queryset = units


def _combine(day: datetime.date | None, time: datetime.time | None, default: datetime.time):
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, time or default))


class DeadlineForm(TextLimits, forms.ModelForm):
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DateInput())
    opens_time = forms.TimeField(label=_("Opening time"), required=False, widget=TimeInput())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    due_time = forms.TimeField(
        label=_("Due time"),
        required=False,
        widget=TimeInput(),
        help_text=_("Empty means the end of the day (23:59)."),
    )

    class Meta:
        model = Deadline
        fields = ["kind", "title", "description", "audience", "unit"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, emulation_year: EmulationYear, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.year = emulation_year
        from ..selectors import members_in_year

        self.fields["unit"].queryset = members_in_year(bloc=emulation_year.bloc, year=emulation_year.year)
        self.fields["unit"].help_text = _("Only when the deadline applies to one unit.")
        if self.instance.pk:
            if self.instance.opens_at:
                opens = timezone.localtime(self.instance.opens_at)
                self.initial.update(opens_on=opens.date(), opens_time=opens.time())
            due = timezone.localtime(self.instance.due_at)
            self.initial.update(due_on=due.date(), due_time=due.time())

    def clean(self):
        data = super().clean()
        opens = _combine(data.get("opens_on"), data.get("opens_time"), datetime.time(0, 0))
        due = _combine(data.get("due_on"), data.get("due_time"), datetime.time(23, 59))
        if data.get("opens_time") and not data.get("opens_on"):
            self.add_error("opens_on", _("Give the day the deadline opens, or clear its time."))
        if opens and due and opens > due:
            self.add_error("opens_on", _("A deadline cannot open after it is due."))
        audience, unit = data.get("audience"), data.get("unit")
        if audience == Audience.UNIT and unit is None:
            self.add_error("unit", _("Choose the unit this deadline applies to."))
        elif audience != Audience.UNIT and unit is not None:
            self.add_error("unit", _("Leave the unit empty unless the deadline applies to one unit."))
        self.instance.opens_at, self.instance.due_at = opens, due
        return data

    def _post_clean(self):
        # The model's own checks repeat ours; run them only when the form itself found nothing.
        if not self.errors:
            super()._post_clean()
