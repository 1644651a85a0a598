"""Forms of the conference app: the plan editor (lists typed one item a line), its tasks and contributions,
the issue form and a delegate's registration. Every message is translated; a form that fails keeps what was
typed."""

import datetime
import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from blocs.enums import DeadlineKind
from blocs.forms import DateInput, TimeInput
from blocs.models import EmulationYear, Unit
from blocs.selectors import members_in_year
from core.documents.forms import IssueForm
from core.forms import TextLimits

from ..documents.plan import issuer_name
from ..models import ConferencePlan, PlanContribution, PlanTask
from ..services.plan import TEXT_FIELDS

TIME_FORMATS = ["%H:%M", "%Hh%M", "%Hh", "%H:%M:%S"]  # 14:30, 14h30, 14h


def initial_plan(year: EmulationYear) -> ConferencePlan:
    """A new draft prefilled from the year: the place, the title, the conference day of the calendar, and the
    signature block of the leader unit. Document wording is Vietnamese whatever the interface language."""
    bloc = year.bloc
    conference = year.deadlines.filter(kind=DeadlineKind.CONFERENCE).order_by("due_at").first()
    legal_bases = []
    if bloc.regulation_title:
        legal_bases.append(bloc.regulation_title)
    return ConferencePlan(
        year=year,
        place=bloc.province.name,
        issued_on=timezone.localdate(),
        title=f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {year.year}",
        title_suffix=f"của {bloc.name}",
        legal_bases=legal_bases,
        purpose=(
            f"Đánh giá khách quan, toàn diện, chính xác tình hình, kết quả thực hiện nhiệm vụ, chỉ tiêu trong các "
            f"phong trào thi đua, công tác khen thưởng năm {year.year}; chỉ ra những tồn tại, hạn chế, nguyên nhân, "
            f"trên cơ sở đó đề ra các giải pháp khắc phục, tiếp tục thi đua phấn đấu hoàn thành các chỉ tiêu, "
            f"nhiệm vụ năm {year.year + 1}."
        ),
        requirements=(
            "Việc tổ chức Hội nghị phải bảo đảm thiết thực, hiệu quả; đánh giá thực chất kết quả thực hiện các "
            f"nhiệm vụ chính trị trọng tâm và các phong trào thi đua yêu nước năm {year.year} của các cơ quan, "
            f"đơn vị trong {bloc.name}."
        ),
        summoned_text=(
            f"Đại diện lãnh đạo và 01 cán bộ làm công tác thi đua, khen thưởng các đơn vị thành viên trong {bloc.name}."
        ),
        conference_date=timezone.localtime(conference.due_at).date() if conference else None,
        start_time=datetime.time(14, 0),
        venue="",
        signer_authority=f"TRƯỞNG {issuer_name(bloc)}",
        signer_body=year.leader.name.upper(),
        signer_position="",
        signer_name="",
    )


def _lines(text: str) -> list[tuple[int, str]]:
    """The non-empty lines of a textarea with their numbers as the user sees them (from 1)."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


class PlanForm(TextLimits, forms.ModelForm):
    """Every part of the plan; the lists are textareas with one item a line."""

    legal_bases = forms.CharField(
        label=_("Legal bases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One legal basis a line, without the word “Căn cứ”. *Italic* is kept."),
    )
    agenda = forms.CharField(
        label=_("Agenda items"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line."),
    )
    invited = forms.CharField(
        label=_("Invited delegates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recipients = forms.CharField(
        label=_("Recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    start_time = forms.TimeField(label=_("Start time"), input_formats=TIME_FORMATS, widget=TimeInput())
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ConferencePlan
        fields = TEXT_FIELDS
        widgets = {
            "issued_on": DateInput(),
            "conference_date": DateInput(),
            "preamble_closing": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "requirements": forms.Textarea(attrs={"rows": 4}),
            "summoned_text": forms.Textarea(attrs={"rows": 2}),
            "funding": forms.Textarea(attrs={"rows": 3}),
            "closing": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "signer_authority": {"required": _("Write the authority line of the signature block.")},
            "signer_position": {"required": _("Write the signer's position.")},
            "signer_name": {"required": _("Write the signer's name: the plan cannot be signed without it.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance
        self.initial.update(
            legal_bases="\n".join(plan.legal_bases or []),
            agenda="\n".join(plan.agenda or []),
            invited="\n".join(f"{g.get('name', '')} | {g.get('count') or 0}" for g in plan.invited or []),
            recipients="\n".join(
                f"{r.get('name', '')} | {r['purpose']}" if r.get("purpose") else r.get("name", "")
                for r in plan.recipients or []
            ),
            edit_version=plan.edit_version,
        )
        for name in ("signer_authority", "signer_position", "signer_name"):
            self.fields[name].required = True
        # The examples are document wording, the same in every language.
        self.fields["invited"].help_text = gettext(
            "One group a line: the group, a vertical bar, the number of people. E.g. “%(example)s”."
        ) % {"example": "Lãnh đạo Ban Thi đua - Khen thưởng tỉnh | 2"}
        self.fields["recipients"].help_text = gettext(
            "One recipient a line; after a vertical bar, what it is sent for (may be empty). E.g. “%(example)s”."
        ) % {"example": "Ban TĐ-KT tỉnh | B/cáo"}
        self.fields["issued_on"].help_text = _("The date written under the national motto.")
        self.fields["summoned_per_unit"].help_text = _("The total is computed from the member units of the year.")
        self.fields["duration"].help_text = _("E.g. “½ ngày”.")
        self.fields["start_time"].help_text = _("hh:mm, e.g. 14:30")

    def clean_legal_bases(self) -> list[str]:
        return [line for _n, line in _lines(self.cleaned_data["legal_bases"])]

    def clean_agenda(self) -> list[str]:
        return [line.removeprefix("- ").strip() for _n, line in _lines(self.cleaned_data["agenda"])]

    def clean_invited(self) -> list[dict]:
        groups, errors = [], []
        for n, line in _lines(self.cleaned_data["invited"]):
            name, bar, count = line.rpartition("|")
            name, count = name.strip(), count.strip()
            if not bar or not name or not re.fullmatch(r"\d{1,4}", count):
                errors.append(
                    forms.ValidationError(
                        _("Line %(n)d: write the group, a vertical bar and a whole number of people (“%(line)s”)."),
                        params={"n": n, "line": line},
                    )
                )
                continue
            groups.append({"name": name, "count": int(count)})
        if errors:
            raise forms.ValidationError(errors)
        return groups

    def clean_recipients(self) -> list[dict]:
        recipients, errors = [], []
        for n, line in _lines(self.cleaned_data["recipients"]):
            name, _bar, purpose = line.rpartition("|") if "|" in line else (line, "", "")
            name = name.strip().removeprefix("- ").rstrip(";.").strip()
            purpose = purpose.strip().strip("();. ").strip()
            if not name or line.count("|") > 1:
                errors.append(
                    forms.ValidationError(
                        _("Line %(n)d: write the recipient and, after a vertical bar, its purpose (“%(line)s”)."),
                        params={"n": n, "line": line},
                    )
                )
                continue
            recipients.append({"name": name, "purpose": purpose})
        if errors:
            raise forms.ValidationError(errors)
        return recipients


class TaskForm(TextLimits, forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["actor", "text", "kind", "opens_on", "due_on", "follow_up", "in_calendar", "note"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "opens_on": DateInput(),
            "due_on": DateInput(),
        }

    def _get_validation_exclusions(self):
        # The order of the window is a rule of services.check_tasks, reported there with a clear message;
        # the model's check constraint would only say "constraint violated".
        exclude = super()._get_validation_exclusions()
        exclude.add("opens_on")
        return exclude


class BaseTaskFormSet(forms.BaseFormSet):
    """The plan's tasks as plain rows. plan_save replaces every task on each save, so the rows carry no
    database ids: a form opened before someone else's save still binds, and a stale save can be retried."""

    def kept_forms(self) -> list:
        """The rows that make the plan's tasks, in order: not deleted, and not an untouched empty row."""
        return [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    @staticmethod
    def initial_for(plan: ConferencePlan) -> list[dict]:
        if plan.pk is None:
            return []
        return [{name: getattr(t, name) for name in TaskForm._meta.fields} for t in plan.tasks.all()]


TaskFormSet = forms.formset_factory(TaskForm, formset=BaseTaskFormSet, extra=2, can_delete=True)


class AmountField(forms.DecimalField):
    """Đồng, typed as officials write them: 500.000 or 500 000 (no decimals)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[.,\s]", "", value)
        return super().to_python(value)


class ContributionForm(forms.ModelForm):
    amount = AmountField(label=_("Amount (VND)"), min_value=0, max_digits=14, decimal_places=0, initial=Decimal(0))

    class Meta:
        model = PlanContribution
        fields = ["unit", "amount", "waived", "reason"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("waived") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the waiver."))
        return data


class BaseContributionFormSet(forms.BaseFormSet):
    """Contributions as plain rows, for the same reason as the tasks; at most one per unit."""

    def kept_forms(self) -> list:
        return [f for f in self.forms if f.cleaned_data.get("unit") and not f.cleaned_data.get("DELETE")]

    @staticmethod
    def initial_for(plan: ConferencePlan) -> list[dict]:
        if plan.pk is None:
            return []
        return [
            {"unit": c.unit_id, "amount": c.amount, "waived": c.waived, "reason": c.reason}
            for c in plan.contributions.order_by("unit__name")
        ]

    def clean(self):
        super().clean()
        seen = set()
        for form in self.kept_forms():
            unit = form.cleaned_data["unit"]
            if unit.pk in seen:
                form.add_error("unit", _("%(unit)s has two contributions; keep one.") % {"unit": unit.short_name})
            seen.add(unit.pk)


ContributionFormSet = forms.formset_factory(ContributionForm, formset=BaseContributionFormSet, extra=1, can_delete=True)


def plan_formsets(data, plan: ConferencePlan) -> tuple[BaseTaskFormSet, BaseContributionFormSet]:
    year = plan.year
    units = members_in_year(bloc=year.bloc, year=year.year)
    tasks = TaskFormSet(data, initial=BaseTaskFormSet.initial_for(plan), prefix="tasks")
    shares = ContributionFormSet(
        data, initial=BaseContributionFormSet.initial_for(plan), prefix="shares", form_kwargs={"units": units}
    )
    return tasks, shares


class PlanIssueForm(IssueForm):
    register_help = _("Suggested: the next free number of the bloc's register of plans. Empty takes that one.")
    versioned = False  # the plan's page has never asked for the version read


class DelegateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), widget=forms.HiddenInput)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=200)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
