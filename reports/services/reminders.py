"""Deadline reminders: which (deadline, unit, offset) are due today, the beat's tick that sends each exactly once,
and the reads behind the leader's log of what was sent.

A reminder is due for a deadline of an open year whose kind is answered by a file (FILE_KINDS) or by the
self-assessment sheet, for each unit it applies to that has not answered it yet, when the number of days from
today to the unit's own due date (its extension, if any), both taken as local dates in Asia/Ho_Chi_Minh, is

- in the year's `reminder_offsets_days` (days before; 0, the due day itself, only when listed), or
- between -1 and -`overdue_reminder_days` (one a day after the due date).

Only today's offset fires. A tick that did not run on the day of an offset (beat or the server down) does not
catch that reminder up later: after downtime units get the one reminder of the day, not a storm of stale ones.

Exactly once per (deadline, unit, offset): ReminderSent's unique constraint decides who sends, and the rows, the
in-app notifications and the queued e-mails of a batch of reminders are written in one transaction. Two ticks,
a retried task or two workers at once therefore record and notify once; a worker that dies mid-tick rolls its
open batch back and the next tick (the same day) does those reminders. The mail itself leaves through core's
outbox, which claims each message before sending it. No task is ever scheduled for the future: beat's tick is
the only clock.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import Deadline, EmulationYear, Membership, Person, Unit
from core.collation import vi_sort_key
from core.models import OutboxMessage, User
from core.notifications import Notice, notify_many

from ..models import Extension, ReminderSent
from ..selectors import answers
from .submissions import FILE_KINDS, effective_due

logger = logging.getLogger(__name__)

REMINDER_KINDS = frozenset(FILE_KINDS | {DeadlineKind.SELF_ASSESSMENT})
BATCH = 200  # reminders written and notified per transaction by a tick
KEYS_PER_QUERY = 500  # e-mails looked up per query by reminder_outbox

Due = tuple[Deadline, Unit, int]


@dataclass(frozen=True)
class _Planned:
    deadline: Deadline
    unit: Unit
    offset: int
    due_at: datetime.datetime  # the unit's own due date
    extended: bool


@dataclass(frozen=True)
class _Rules:
    offsets: frozenset[int]  # days before the due date
    overdue_days: int  # one reminder a day for this many days after it

    @classmethod
    def of(cls, year: EmulationYear) -> "_Rules":
        return cls(
            offsets=frozenset(int(days) for days in year.setting("reminder_offsets_days")),
            overdue_days=max(0, int(year.setting("overdue_reminder_days"))),
        )

    def fires(self, offset: int) -> bool:
        return offset in self.offsets or 1 <= -offset <= self.overdue_days


def _local_date(moment: datetime.datetime) -> datetime.date:
    # The default time zone (Asia/Ho_Chi_Minh), whatever a request may have activated in this thread.
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


# --- what is due --------------------------------------------------------------------------------------------


def reminders_due(*, now: datetime.datetime) -> list[Due]:
    """(deadline, unit, offset in days) of every reminder due on `now`'s local day and not yet sent, ordered by
    due date, deadline and unit name. A fixed number of queries, however many deadlines and units."""
    return [(p.deadline, p.unit, p.offset) for p in _planned(now=now)]


def _planned(*, now: datetime.datetime) -> list[_Planned]:
    years = {
        year.pk: (year, _Rules.of(year))
        for year in EmulationYear.objects.exclude(phase=Phase.CLOSED).select_related("bloc", "leader", "deputy")
    }
    if not years:
        return []
    # The widest window any open year needs, one day of slack either side for the local-date rounding; each
    # year's own rules are applied below.
    before = max((max(rules.offsets, default=0) for _year, rules in years.values()), default=0)
    after = max(max(rules.overdue_days, -min(rules.offsets, default=0)) for _year, rules in years.values())
    low, high = now - datetime.timedelta(days=after + 1), now + datetime.timedelta(days=before + 1)
    extended = Extension.objects.filter(due_at__range=(low, high)).values("deadline_id")
    candidates = (
        Deadline.objects.filter(kind__in=REMINDER_KINDS)
        .exclude(year__phase=Phase.CLOSED)
        .filter(Q(due_at__range=(low, high)) | Q(pk__in=extended))
    )
    deadlines = []
    for deadline in candidates.select_related("unit").order_by("due_at", "pk"):
        if deadline.year_id in years:  # else the year closed between the two reads
            deadline.year = years[deadline.year_id][0]
            deadlines.append(deadline)
    if not deadlines:
        return []

    ids = candidates.values("pk")
    owing = _owing_units(deadlines)
    extensions = {(e.deadline_id, e.unit_id): e for e in Extension.objects.filter(deadline__in=ids)}
    # Answered: by a file, or for the covenant by the registration sent on the covenant page (selectors.answers).
    answered = answers([d for d in deadlines if d.kind != DeadlineKind.SELF_ASSESSMENT], extensions=extensions)
    sheet_years = {d.year_id for d in deadlines if d.kind == DeadlineKind.SELF_ASSESSMENT}
    sheets = _submitted_sheets(sheet_years)
    sent = set(ReminderSent.objects.filter(deadline__in=ids).values_list("deadline_id", "unit_id", "offset_days"))

    today = _local_date(now)
    days: dict[datetime.datetime, datetime.date] = {}  # most units share their deadline's due date
    due: list[_Planned] = []
    for deadline in deadlines:
        rules = years[deadline.year_id][1]
        # Answered: by a submitted sheet (keyed by year) for the self-assessment, else as selectors.answers says.
        done, by = (
            (sheets, deadline.year_id) if deadline.kind == DeadlineKind.SELF_ASSESSMENT else (answered, deadline.id)
        )
        for unit in owing[deadline.id]:
            if (by, unit.id) in done:
                continue
            due_at = effective_due(deadline, unit, extensions)
            if due_at not in days:
                days[due_at] = _local_date(due_at)
            offset = (days[due_at] - today).days
            if rules.fires(offset) and (deadline.id, unit.id, offset) not in sent:
                due.append(_Planned(deadline, unit, offset, due_at, (deadline.id, unit.id) in extensions))
    return due


def _owing_units(deadlines: list[Deadline]) -> dict[int, list[Unit]]:
    """submissions.owing_units for many deadlines at once, in two queries at most."""
    member_blocs = {d.year.bloc_id for d in deadlines if d.audience == Audience.MEMBERS}
    memberships: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(bloc_id__in=member_blocs).select_related("unit"):
        memberships.setdefault(membership.bloc_id, []).append(membership)
    wanted = {(d.year.bloc_id, d.year.year + 1) for d in deadlines if d.audience == Audience.NEXT_LEADER}
    following: dict[tuple[int, int], Unit] = {}
    if wanted:
        next_years = EmulationYear.objects.filter(
            bloc_id__in={bloc for bloc, _ in wanted}, year__in={year for _, year in wanted}
        ).select_related("leader")
        following = {(y.bloc_id, y.year): y.leader for y in next_years}

    members: dict[int, list[Unit]] = {}  # by year id: the year's member units, by name as members_in_year
    owing: dict[int, list[Unit]] = {}
    for deadline in deadlines:
        year = deadline.year
        if deadline.audience == Audience.MEMBERS:
            if year.pk not in members:
                units = {m.unit.pk: m.unit for m in memberships.get(year.bloc_id, []) if m.covers(year.year)}
                members[year.pk] = sorted(units.values(), key=lambda unit: vi_sort_key(unit.name))
            owing[deadline.pk] = members[year.pk]
        elif deadline.audience == Audience.LEADER:
            owing[deadline.pk] = [year.leader]
        elif deadline.audience == Audience.UNIT:
            owing[deadline.pk] = [deadline.unit]
        elif (year.bloc_id, year.year + 1) in following:
            owing[deadline.pk] = [following[year.bloc_id, year.year + 1]]
        else:
            owing[deadline.pk] = [year.deputy] if year.deputy else []
    return owing


def _submitted_sheets(year_ids: set[int]) -> set[tuple[int, int]]:
    if not year_ids:
        return set()
    from scoring.models import Sheet

    return set(Sheet.objects.filter(year_id__in=year_ids, submitted_at__isnull=False).values_list("year_id", "unit_id"))


# --- sending ------------------------------------------------------------------------------------------------


def reminders_tick(*, now: datetime.datetime | None = None, dry_run: bool = False) -> list[ReminderSent]:
    """Send every reminder due now and not sent yet; returns the ReminderSent rows this call created.

    The reminders are written in batches of `BATCH` per transaction (a national tick sends thousands). A batch
    that fails is retried one reminder at a time, so that one bad reminder is logged and left for the next tick
    while the others still go out. With `dry_run` nothing is written and the reminders that would be sent are
    returned unsaved (pk None), with the recipients they would go to.
    """
    now = now or timezone.now()
    due = _planned(now=now)
    officers = _officers({planned.unit.pk for planned in due})
    if dry_run:
        return [
            ReminderSent(
                deadline=p.deadline,
                unit=p.unit,
                offset_days=p.offset,
                recipients=_usernames(officers.get(p.unit.pk, [])),
            )
            for p in due
        ]
    sent: list[ReminderSent] = []
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        try:
            sent += _send(batch, officers=officers)
            continue
        except Exception:
            if len(batch) == 1:
                _log_failure(batch[0])
                continue
            logger.warning("A batch of %s reminders failed; sending them one by one", len(batch), exc_info=True)
        for planned in batch:
            try:
                sent += _send([planned], officers=officers)
            except Exception:
                _log_failure(planned)
    if sent:
        logger.info("Recorded %s reminder(s); their e-mails are queued in the outbox", len(sent))
    return sent


def _log_failure(planned: _Planned) -> None:
    logger.exception(
        "Reminder for %s, %s at %+d days failed; the next tick retries it",
        planned.deadline,
        planned.unit,
        planned.offset,
    )


def _send(batch: list[_Planned], *, officers: dict[int, list[User]]) -> list[ReminderSent]:
    """Record and notify a batch of reminders in one transaction; returns the rows it recorded, without those
    another tick recorded first.

    One INSERT … ON CONFLICT DO NOTHING writes the rows under this call's own token; the rows read back with
    that token are the ones this call won, locked until it commits, and only those are notified. The
    notifications commit with their rows or not at all, so a committed row always means "sent"; a concurrent
    tick waits on the unique constraint and then skips the row, or inserts it if this transaction rolled back.
    """
    token = uuid.uuid4()
    rows = [
        ReminderSent(
            deadline=p.deadline,
            unit=p.unit,
            offset_days=p.offset,
            recipients=_usernames(officers.get(p.unit.pk, [])),
            tick=token,
        )
        for p in batch
    ]
    with transaction.atomic():
        ReminderSent.objects.bulk_create(rows, ignore_conflicts=True)
        won = {
            (r.deadline_id, r.unit_id, r.offset_days): r
            for r in ReminderSent.objects.select_for_update().filter(
                tick=token, deadline_id__in={p.deadline.pk for p in batch}
            )
        }
        mine = [(p, won[key]) for p in batch if (key := (p.deadline.pk, p.unit.pk, p.offset)) in won]
        notify_many(
            Notice(
                users=officers.get(p.unit.pk, []),
                title=_title(p.deadline.title, p.offset),
                body=_body(p),
                link=_link(p.deadline),
                dedupe_key=reminder_key(row),
            )
            for p, row in mine
            if officers.get(p.unit.pk)
        )
    for planned, row in mine:
        row.deadline, row.unit = planned.deadline, planned.unit
    return [row for _planned, row in mine]


def _officers(unit_ids: set[int]) -> dict[int, list[User]]:
    """The active officers of each unit (one query)."""
    if not unit_ids:
        return {}
    officers: dict[int, list[User]] = {}
    people = Person.objects.filter(unit_id__in=unit_ids, user__is_active=True).select_related("user")
    for person in people.order_by("user__username"):
        officers.setdefault(person.unit_id, []).append(person.user)
    return officers


def _usernames(users: Iterable[User]) -> list[str]:
    return sorted(user.username for user in users)


def _link(deadline: Deadline) -> str:
    """Where the unit answers the deadline: its sheet, its covenant registration, or its reports."""
    year = deadline.year
    name = {
        DeadlineKind.SELF_ASSESSMENT: "scoring:my-sheet",
        DeadlineKind.COVENANT: "blocs:covenant-registration",
    }.get(deadline.kind, "reports:submissions")
    return reverse(name, kwargs={"slug": year.bloc.slug, "year": year.year})


def _title_text(title: str, offset: int) -> str:
    if offset > 0:
        return ngettext(
            "Reminder: “%(title)s” is due in %(n)d day", "Reminder: “%(title)s” is due in %(n)d days", offset
        ) % {"title": title, "n": offset}
    if offset == 0:
        return gettext("Reminder: “%(title)s” is due today") % {"title": title}
    return ngettext(
        "Overdue: “%(title)s” was due %(n)d day ago", "Overdue: “%(title)s” was due %(n)d days ago", -offset
    ) % {
        "title": title,
        "n": -offset,
    }


def _body_text(planned: _Planned) -> str:
    deadline = planned.deadline
    values = {
        "unit": planned.unit.name,
        "title": deadline.title,
        "bloc": deadline.year.bloc.name,
        "year": deadline.year.year,
        "due": timezone.localtime(planned.due_at, timezone.get_default_timezone()).strftime("%d/%m/%Y %H:%M"),
    }
    if deadline.kind == DeadlineKind.SELF_ASSESSMENT:
        text = gettext("%(unit)s has not yet submitted its self-assessment sheet (“%(title)s”, %(bloc)s, %(year)s).")
    else:
        text = gettext("%(unit)s has not yet sent “%(title)s” (%(bloc)s, %(year)s).")
    if planned.extended:
        due_line = gettext("Due date, as extended for your unit: %(due)s.")
    else:
        due_line = gettext("Due date: %(due)s.")
    return f"{text % values}\n{due_line % values}"


# Rendered by notify() once per recipient, in that recipient's language.
_title = lazy(_title_text, str)
_body = lazy(_body_text, str)


# --- reads: the leader's log ----------------------------------------------------------------------------


def reminders_for_year(*, year: EmulationYear) -> QuerySet[ReminderSent]:
    """The reminders sent for a year's deadlines, newest first."""
    return (
        ReminderSent.objects.filter(deadline__year=year).select_related("deadline", "unit").order_by("-sent_at", "-id")
    )


def reminder_key(reminder: ReminderSent) -> str:
    """The notify() dedupe key of a reminder; its e-mails' keys are "<key>:<user id>"."""
    return f"reminder:{reminder.deadline_id}:{reminder.unit_id}:{reminder.offset_days}"


def reminder_outbox(
    reminders: Iterable[ReminderSent], *, user_ids: dict[str, int] | None = None
) -> dict[int, list[OutboxMessage]]:
    """The e-mails of each reminder, by reminder id, each telling where it stands (`OutboxMessage.delivery`).

    Looked up by their exact dedupe keys ("<reminder key>:<user id>" for each recipient; see `reminder_key`), so
    the outbox's unique index finds them however large it grows: two queries (one when `user_ids`, the ids of
    the recipients' usernames, is given), for up to KEYS_PER_QUERY e-mails (a page of the log); more take one
    query per KEYS_PER_QUERY.
    """
    reminders = list(reminders)
    found: dict[int, list[OutboxMessage]] = {reminder.pk: [] for reminder in reminders}
    if user_ids is None:
        usernames = {name for reminder in reminders for name in reminder.recipients}
        user_ids = dict(User.objects.filter(username__in=usernames).values_list("username", "pk")) if usernames else {}
    by_key = {
        f"{reminder_key(reminder)}:{user_ids[name]}": reminder.pk
        for reminder in reminders
        for name in reminder.recipients
        if name in user_ids
    }
    keys = sorted(by_key)
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        for message in OutboxMessage.objects.filter(dedupe_key__in=chunk).order_by("to_email", "pk"):
            found[by_key[message.dedupe_key]].append(message)
    for messages in found.values():
        messages.sort(key=lambda message: (message.to_email, message.pk))
    return found


def offset_text(offset: int) -> str:
    """ "Còn N ngày" / "Hết hạn hôm nay" / "Quá hạn N ngày", as the calendar shows them."""
    if offset > 0:
        return ngettext("%(n)d day left", "%(n)d days left", offset) % {"n": offset}
    if offset == 0:
        return gettext("Due today")
    return ngettext("Overdue by %(n)d day", "Overdue by %(n)d days", -offset) % {"n": -offset}
