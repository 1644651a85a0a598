"""Writes of the conference app: the plan (draft, issue, new version), its tasks in the calendar, delegates."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blocs.enums import Audience
from blocs.models import Deadline, EmulationYear, Unit
from core.audit import audit
from core.documents import lifecycle
from core.documents.lifecycle import SUPERSEDE
from core.locking import StaleEdit
from core.permissions import ensure_can

from ..documents.kinds import ConferenceKind
from ..enums import Actor, PlanStatus
from ..models import ConferencePlan, Delegate, PlanContribution, PlanTask

DOC_TYPE = "KH"
AUDIENCE = {Actor.LEADER: Audience.LEADER, Actor.MEMBERS: Audience.MEMBERS, Actor.NEXT_LEADER: Audience.NEXT_LEADER}
# The plan's text: what its editor writes (forms/plan.py) and what a new version copies.
TEXT_FIELDS = [
    "place",
    "issued_on",
    "title",
    "title_suffix",
    "legal_bases",
    "preamble_closing",
    "purpose",
    "requirements",
    "agenda",
    "invited",
    "summoned_text",
    "summoned_per_unit",
    "conference_date",
    "start_time",
    "duration",
    "venue",
    "funding",
    "closing",
    "recipients",
    "signer_authority",
    "signer_body",
    "signer_position",
    "signer_name",
]


class StalePlan(StaleEdit):
    pass


def current_plan(year: EmulationYear) -> ConferencePlan | None:
    return year.plans.order_by("-version").first()


def check_tasks(*, conference_date: datetime.date, tasks: list[PlanTask]) -> dict:
    """Errors by task index: a window that ends before it opens, a preparation task after the conference."""
    errors = {}
    for i, task in enumerate(tasks):
        if task.opens_on and task.due_on and task.due_on < task.opens_on:
            errors[i] = _("The due date comes before the window opens.")
        elif task.due_on and not task.follow_up and task.due_on > conference_date:
            errors[i] = _(
                "A preparation task must be done by the conference (%(date)s); mark it as a follow-up task "
                "if it comes after."
            ) % {"date": conference_date.strftime("%d/%m/%Y")}
    return errors


def ensure_editable(plan: ConferencePlan, by) -> None:
    lifecycle.ensure_editable(PLAN, plan, by)


@transaction.atomic
def plan_save(
    *,
    plan: ConferencePlan,
    tasks: list[PlanTask],
    contributions: list[PlanContribution],
    expected_version: int | None,
    by,
) -> ConferencePlan:
    """Save a draft with its tasks and contributions (all replaced), refusing a stale form."""
    ensure_editable(plan, by)
    errors = check_tasks(conference_date=plan.conference_date, tasks=tasks)
    if errors:
        raise ValidationError({f"task_{i}": message for i, message in errors.items()})
    plan.full_clean(exclude=["number", "supersedes", "issued_by"])
    if plan.pk is None:
        plan.save()
    else:
        query = ConferencePlan.objects.filter(pk=plan.pk, status=PlanStatus.DRAFT)
        if expected_version is not None:
            query = query.filter(edit_version=expected_version)
        if query.update(edit_version=F("edit_version") + 1) != 1:
            raise StalePlan(_("Someone else saved this plan after you opened it; your input is kept below."))
        plan.edit_version = (expected_version or plan.edit_version) + 1
        plan.save()
    plan.tasks.all().delete()
    for i, task in enumerate(tasks):
        task.pk = None
        task.plan = plan
        task.order = i
        task.deadline = None
    PlanTask.objects.bulk_create(tasks)
    plan.contributions.all().delete()
    for share in contributions:
        share.pk = None
        share.plan = plan
    PlanContribution.objects.bulk_create(contributions)
    audit(by, "conference.plan.saved", plan, version=plan.version)
    return plan


def _sync_calendar(plan: ConferencePlan) -> None:
    """Write every dated task into the year's calendar, so deadlines and reminders follow the plan. A task
    takes over the calendar entry of the same kind and audience if there is one."""
    year = plan.year
    tz = timezone.get_current_timezone()
    for task in plan.tasks.all():
        if not task.in_calendar or task.due_on is None:
            continue
        audience = AUDIENCE[task.actor]
        due = timezone.make_aware(datetime.datetime.combine(task.due_on, datetime.time(23, 59)), tz)
        opens = (
            timezone.make_aware(datetime.datetime.combine(task.opens_on, datetime.time(0, 0)), tz)
            if task.opens_on
            else None
        )
        deadline = (
            Deadline.objects.filter(year=year, kind=task.kind, audience=audience)
            .exclude(kind="other")
            .order_by("due_at")
            .first()
        )
        if deadline is None:  # a new entry takes the task's words; an existing one keeps its own title
            deadline = Deadline(
                year=year, kind=task.kind, audience=audience, title=task.text.strip()[:300], description=task.note
            )
        deadline.opens_at, deadline.due_at = opens, due
        deadline.full_clean()
        deadline.save()
        task.deadline = deadline
        task.save(update_fields=["deadline"])


class PlanKind(ConferenceKind):
    """The plan in the one lifecycle: issued in the register of plans (KH) of the year of its date once the
    signature block is complete, its tasks then written into the calendar; a change is a new version, a new row
    that supersedes the issued one when it is issued in turn."""

    name = "conference.plan"
    slug = "plan"
    model = ConferencePlan
    page_action = "conference.plan.view"
    edit_action = "conference.plan.edit"
    document_action = "conference.plan.document"
    doc_type = DOC_TYPE
    corrections = SUPERSEDE
    version_field = "edit_version"
    revision_field = "version"
    required = {
        "signer_authority": gettext_lazy("authority line"),
        "signer_position": gettext_lazy("signer's position"),
        "signer_name": gettext_lazy("signer's name"),
    }
    stale_class = StalePlan
    incomplete = gettext_lazy("The signature block is incomplete: %(fields)s.")
    frozen = already_issued = gettext_lazy(
        "This plan is issued and cannot be changed in place: create a new version to change it."
    )
    stale = stale_issue = gettext_lazy("Someone else saved this plan after you opened it; your input is kept below.")
    not_issued = gettext_lazy("Only an issued plan needs a new version; edit this draft directly.")
    issued_message = gettext_lazy("The plan was issued as number %(number)s.")
    reopened_message = gettext_lazy(
        "Version %(version)s was created as a draft; it replaces the issued plan once it is issued."
    )
    saved_message = gettext_lazy("The draft plan was saved.")
    preview_title = gettext_lazy("Preview of the plan as it will be printed")
    templates = {"page": "conference/plan.html", "edit": "conference/plan_edit.html"}

    def current(self, year: EmulationYear) -> ConferencePlan | None:
        plan = current_plan(year)
        return self.adopt(plan, year) if plan is not None else None

    def register_year(self, plan: ConferencePlan) -> int:
        return plan.issued_on.year

    def register_title(self, plan: ConferencePlan) -> str:
        return f"{plan.title} {plan.title_suffix}".strip()

    def after_issue(self, plan: ConferencePlan, by) -> None:
        _sync_calendar(plan)

    def supersede(self, plan: ConferencePlan, by) -> ConferencePlan:
        """A new draft version that copies the issued plan with its tasks and contributions."""
        if ConferencePlan.objects.filter(year=plan.year, version__gt=plan.version).exists():
            raise ValidationError(_("A newer version of this plan already exists."))
        new = ConferencePlan(year=plan.year, version=plan.version + 1, supersedes=plan, status=PlanStatus.DRAFT)
        for name in TEXT_FIELDS:
            setattr(new, name, getattr(plan, name))
        new.issued_on = timezone.localdate()
        new.save()
        PlanTask.objects.bulk_create(
            PlanTask(
                plan=new,
                actor=t.actor,
                text=t.text,
                kind=t.kind,
                opens_on=t.opens_on,
                due_on=t.due_on,
                follow_up=t.follow_up,
                in_calendar=t.in_calendar,
                note=t.note,
                order=t.order,
            )
            for t in plan.tasks.all()
        )
        PlanContribution.objects.bulk_create(
            PlanContribution(plan=new, unit=c.unit, amount=c.amount, waived=c.waived, reason=c.reason)
            for c in plan.contributions.all()
        )
        return new

    def build(self, plan: ConferencePlan):
        from ..documents.plan import plan_document

        return plan_document(plan)


PLAN = PlanKind()


def plan_issue(*, plan: ConferencePlan, number: int | None, by) -> ConferencePlan:
    """Ban hành: take the number in the bloc's register, freeze the plan, write its tasks into the calendar."""
    return lifecycle.issue(PLAN, plan, number=number, by=by)


def plan_new_version(*, plan: ConferencePlan, by) -> ConferencePlan:
    """A change to an issued plan: a new draft version that copies it and will supersede it when issued."""
    return lifecycle.new_version(PLAN, plan, by=by)


@transaction.atomic
def delegate_add(*, year: EmulationYear, unit: Unit, full_name: str, position: str, by) -> Delegate:
    ensure_can(by, "conference.delegates.register", (year, unit))
    delegate = Delegate(year=year, unit=unit, full_name=full_name.strip(), position=position.strip(), registered_by=by)
    delegate.full_clean()
    delegate.save()
    audit(by, "conference.delegate.added", delegate, unit=unit.pk)
    return delegate


@transaction.atomic
def delegate_remove(*, delegate: Delegate, by) -> None:
    ensure_can(by, "conference.delegates.register", (delegate.year, delegate.unit))
    audit(by, "conference.delegate.removed", delegate, unit=delegate.unit_id, name=delegate.full_name)
    delegate.delete()


def next_leader_tasks_into(*, opened: EmulationYear, previous: EmulationYear, by) -> list[Deadline]:
    """Year N+1 has opened: the tasks year N's plan gave the next leader (the launch plan, the covenant) become
    entries of N+1's calendar for its leader unit, and the members get their covenant registration. A task
    dated before the conference (the plan asks the proposed leader to prepare early) is due a number of days
    after the conference instead (settings `next_leader_task_days`, `covenant_registration_days`). An entry of
    the same kind, seeded from N's calendar, is taken over rather than doubled."""
    plan = current_plan(previous)
    if plan is None:
        return []
    tz = timezone.get_current_timezone()

    def at(day: datetime.date, clock: datetime.time) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, clock), tz)

    def write(*, kind: str, audience: str, title: str, note: str, opens, due) -> Deadline:
        deadline = None
        if kind != "other":
            deadline = (
                Deadline.objects.filter(
                    year=opened, kind=kind, audience__in=[audience, Audience.NEXT_LEADER], unit__isnull=True
                )
                .order_by("due_at")
                .first()
            )
        if deadline is None:
            deadline = Deadline(year=opened, kind=kind)
        deadline.audience, deadline.title, deadline.description = audience, title[:300], note
        deadline.opens_at, deadline.due_at = opens, due
        deadline.full_clean()
        deadline.save()
        return deadline

    conference_day = plan.conference_date
    leader_due = conference_day + datetime.timedelta(days=int(opened.setting("next_leader_task_days")))
    written = []
    for task in plan.tasks.filter(actor=Actor.NEXT_LEADER).order_by("order", "id"):
        due_on = task.due_on if task.due_on and task.due_on > conference_day else leader_due
        written.append(
            write(
                kind=task.kind,
                audience=Audience.LEADER,
                title=task.text.strip(),
                # calendar entries are the bloc's own Vietnamese data, like the plan they come from
                note=f"Theo Kế hoạch tổ chức Hội nghị tổng kết năm {previous.year}.",
                opens=at(conference_day, datetime.time(0, 0)),
                due=at(due_on, datetime.time(23, 59)),
            )
        )
    if written and not opened.deadlines.filter(kind="covenant").exists():
        covenant_due = conference_day + datetime.timedelta(days=int(opened.setting("covenant_registration_days")))
        written.append(
            write(
                kind="covenant",
                audience=Audience.MEMBERS,
                title=f"Đăng ký giao ước thi đua năm {opened.year}",
                note="",
                opens=at(conference_day, datetime.time(0, 0)),
                due=at(max(covenant_due, leader_due), datetime.time(23, 59)),
            )
        )
    if written:
        audit(by, "conference.plan.next_leader_tasks", opened, plan=plan.pk, deadlines=[d.pk for d in written])
    return written
