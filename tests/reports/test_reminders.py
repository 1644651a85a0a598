"""Deadline reminders: time travel through the offsets, the overdue series, extensions and the Asia/Ho_Chi_Minh
day boundary; who is reminded; exactly once under repeated ticks, retries, crashes, two threads and a real
worker; the outbox's recovery of stuck messages; the command; the leader's log page by role and its queries."""

import datetime
import email
import io
import smtplib
import threading
import time
from collections import Counter
from email.header import decode_header, make_header
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.db import OperationalError, close_old_connections, connections
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from blocs.enums import Audience, DeadlineKind, Phase
from core.models import Heartbeat, Notification, OutboxMessage
from core.notifications import notify, notify_many, outbox_flush, outbox_send
from core.tasks import flush_outbox_task, heartbeat_task
from reports.models import Extension, ReminderSent, Submission, SubmissionVersion
from reports.services import reminders
from reports.services.reminders import reminders_due, reminders_tick
from reports.services.submissions import owing_units
from reports.tasks import remind_task
from tests.conftest import ROLES
from tests.factories import DeadlineFactory, EmulationYearFactory, MembershipFactory, UnitFactory, officer_of

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = datetime.UTC
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DAY = datetime.timedelta(days=1)


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LOCAL)


DUE = local(2020, 10, 20, 23, 59)  # "before 20/10": the end of the due day, local time
MORNING = datetime.time(8, 0)


def at(days_before: int, clock: datetime.time = MORNING) -> datetime.datetime:
    """The local moment `days_before` days before the due day (negative: after), at `clock`."""
    return datetime.datetime.combine(DUE.date() - datetime.timedelta(days=days_before), clock, tzinfo=LOCAL)


def days_left_vi(n: int) -> str:
    with translation.override("vi"):
        return ngettext("%(n)d day left", "%(n)d days left", n) % {"n": n}


@pytest.fixture
def members(world):
    """The year's member units, as owing_units lists them (by name)."""
    return sorted([world.deputy_unit, world.leader_unit, world.member_unit], key=lambda unit: unit.name)


@pytest.fixture
def deadline(world):
    return DeadlineFactory(
        year=world.year, kind=DeadlineKind.YEAR_REPORT, title="Báo cáo tổng kết năm", opens_at=None, due_at=DUE
    )


def offsets_fired(days) -> list[int]:
    """Which of these days (days before the due day) have a reminder due at 08:00."""
    return [days_before for days_before in days if reminders_due(now=at(days_before))]


def keys(due) -> list[tuple[int, int, int]]:
    return [(d.pk, u.pk, offset) for d, u, offset in due]


def sent_rows() -> list[tuple[int, int, int]]:
    return sorted(ReminderSent.objects.values_list("deadline_id", "unit_id", "offset_days"))


def counts() -> tuple[int, int, int]:
    return ReminderSent.objects.count(), Notification.objects.count(), OutboxMessage.objects.count()


def submit_file(deadline, unit) -> SubmissionVersion:
    submission = Submission.objects.create(deadline=deadline, unit=unit)
    return SubmissionVersion.objects.create(
        submission=submission, number=1, file="x.pdf", original_name="x.pdf", size=10, submitted_at=at(2)
    )


# --- time travel: offsets, the overdue series, extensions, the local day ----------------------------------------


def test_reminders_fire_7_3_and_1_days_before_and_each_of_3_days_after_the_due_date(deadline, members):
    fired = offsets_fired(range(10, -8, -1))

    assert fired == [7, 3, 1, -1, -2, -3]
    assert reminders_due(now=at(3)) == [(deadline, unit, 3) for unit in members]


def test_ticking_every_five_minutes_for_weeks_sends_each_reminder_once(deadline, members):
    ticks = [at(days, datetime.time(hour, minute)) for days in range(10, -8, -1) for hour, minute in ((0, 0), (8, 5))]

    sent = [(r.unit_id, r.offset_days) for moment in ticks for r in reminders_tick(now=moment)]

    assert sent == [(unit.pk, offset) for offset in (7, 3, 1, -1, -2, -3) for unit in members]
    assert counts() == (18, 18, 18)


def test_the_offsets_and_the_overdue_days_are_settings_of_the_bloc_and_the_year(world, deadline):
    world.bloc.settings = {"reminder_offsets_days": [5, 0], "overdue_reminder_days": 1}
    world.bloc.save()
    from_bloc = offsets_fired(range(10, -8, -1))
    world.year.settings_override = {"reminder_offsets_days": [2], "overdue_reminder_days": 0}
    world.year.save()

    assert (from_bloc, offsets_fired(range(10, -8, -1))) == ([5, 0, -1], [2])


def test_an_extension_moves_the_units_own_reminders(world, deadline, members):
    Extension.objects.create(deadline=deadline, unit=world.member_unit, due_at=DUE + 4 * DAY, reason="Ốm")
    others = [unit for unit in members if unit != world.member_unit]

    three_days_before = keys(reminders_due(now=at(3)))
    day_after = keys(reminders_due(now=at(-1)))

    assert three_days_before == [(deadline.pk, unit.pk, 3) for unit in others] + [
        (deadline.pk, world.member_unit.pk, 7)
    ]
    assert day_after == [(deadline.pk, unit.pk, -1) for unit in others] + [(deadline.pk, world.member_unit.pk, 3)]


def test_an_extension_far_beyond_the_deadline_is_still_found(world, deadline):
    """The deadline is 30 days past, out of any window; the extension falls due in 3 days."""
    Extension.objects.create(deadline=deadline, unit=world.member_unit, due_at=DUE + 33 * DAY, reason="Ốm")

    assert keys(reminders_due(now=at(-30))) == [(deadline.pk, world.member_unit.pk, 3)]


@pytest.mark.parametrize(
    ("utc", "offset"),
    [
        pytest.param(datetime.datetime(2020, 10, 19, 16, 30, tzinfo=UTC), 1, id="23:30 local the day before"),
        # 17:30 UTC is still the 19th in UTC, but already 00:30 on the due day in Viet Nam.
        pytest.param(datetime.datetime(2020, 10, 19, 17, 30, tzinfo=UTC), 0, id="00:30 local on the due day"),
        pytest.param(datetime.datetime(2020, 10, 19, 23, 30, tzinfo=UTC), 0, id="23:30 UTC the day before"),
        pytest.param(datetime.datetime(2020, 10, 20, 16, 58, tzinfo=UTC), 0, id="23:58 local on the due day"),
        pytest.param(datetime.datetime(2020, 10, 20, 17, 1, tzinfo=UTC), -1, id="00:01 local the day after"),
    ],
)
def test_days_are_counted_in_local_time_for_a_deadline_at_23_59(world, deadline, utc, offset):
    world.bloc.settings = {"reminder_offsets_days": [1, 0], "overdue_reminder_days": 1}
    world.bloc.save()

    assert {offset for _d, _u, offset in reminders_due(now=utc)} == {offset}


def test_the_due_day_itself_has_no_reminder_unless_listed(deadline):
    assert reminders_due(now=DUE - datetime.timedelta(hours=23)) == []  # 00:59 on the due day


REMINDERS_DUE_QUERIES = 9  # years, deadlines, memberships, next years, extensions, files, sheets, covenants, sent


@pytest.mark.parametrize("n", [1, 10])
def test_finding_what_is_due_takes_the_same_queries_for_any_number_of_deadlines_and_units(
    world, django_assert_num_queries, n
):
    for unit in [UnitFactory(province=world.bloc.province) for _ in range(n)]:
        MembershipFactory(bloc=world.bloc, unit=unit, start_year=2020)
        officer_of(unit)
    deadlines = [DeadlineFactory(year=world.year, opens_at=None, due_at=DUE + (i % 3) * DAY) for i in range(n)]
    DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT, opens_at=None, due_at=DUE)
    DeadlineFactory(
        year=world.year, kind=DeadlineKind.COVENANT, audience=Audience.NEXT_LEADER, opens_at=None, due_at=DUE
    )
    Extension.objects.create(deadline=deadlines[0], unit=world.member_unit, due_at=DUE + 4 * DAY, reason="Ốm")
    submit_file(deadlines[-1], world.leader_unit)

    with django_assert_num_queries(REMINDERS_DUE_QUERIES):
        due = reminders_due(now=at(3))

    assert len(due) > n


# --- who is reminded ---------------------------------------------------------------------------------------


def test_a_unit_that_has_sent_a_file_is_not_reminded_and_an_empty_submission_does_not_count(world, deadline):
    submit_file(deadline, world.member_unit)
    Submission.objects.create(deadline=deadline, unit=world.deputy_unit)  # no version: nothing sent yet

    assert [u for _d, u, _o in reminders_due(now=at(3))] == sorted(
        [world.deputy_unit, world.leader_unit], key=lambda unit: unit.name
    )


def test_the_self_assessment_reminds_units_whose_sheet_is_not_submitted_and_links_to_the_sheet(world):
    from scoring.models import Sheet

    deadline = DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT, opens_at=None, due_at=DUE)
    Sheet.objects.create(year=world.year, unit=world.member_unit, submitted_at=at(5))
    Sheet.objects.create(year=world.year, unit=world.deputy_unit)  # a draft

    reminders_tick(now=at(1))

    assert sent_rows() == sorted((deadline.pk, u.pk, 1) for u in (world.deputy_unit, world.leader_unit))
    assert set(Notification.objects.values_list("link", flat=True)) == {"/blocs/ktdnc/years/2020/scoring/my-sheet/"}


def test_a_sent_covenant_registration_answers_the_covenant_deadline_and_the_reminder_links_to_it(world):
    from blocs.models import CovenantRegistration

    deadline = DeadlineFactory(year=world.year, kind=DeadlineKind.COVENANT, opens_at=None, due_at=DUE)
    CovenantRegistration.objects.create(year=world.year, unit=world.member_unit, targets="Một", submitted_at=at(5))
    CovenantRegistration.objects.create(year=world.year, unit=world.deputy_unit, targets="Hai")  # a draft

    reminders_tick(now=at(1))

    assert sent_rows() == sorted((deadline.pk, u.pk, 1) for u in (world.deputy_unit, world.leader_unit))
    links = set(Notification.objects.values_list("link", flat=True))
    assert links == {"/blocs/ktdnc/years/2020/covenant/registration/"}


@pytest.mark.parametrize("kind", [DeadlineKind.COMPILE, DeadlineKind.COMMENT_ROUND, DeadlineKind.CONFERENCE])
def test_deadlines_not_answered_by_the_units_have_no_reminders(world, kind):
    DeadlineFactory(year=world.year, kind=kind, opens_at=None, due_at=DUE)

    assert reminders_due(now=at(3)) == []


def test_a_closed_year_has_no_reminders(world, deadline):
    world.year.phase = Phase.CLOSED
    world.year.save()

    assert (reminders_due(now=at(3)), reminders_tick(now=at(3)), counts()) == ([], [], (0, 0, 0))


@pytest.mark.parametrize("audience", [Audience.LEADER, Audience.UNIT, Audience.NEXT_LEADER, "next_leader_opened"])
def test_each_audience_reminds_the_units_owing_units_names(world, audience):
    unit = world.member_unit if audience == Audience.UNIT else None
    if audience == "next_leader_opened":
        audience = Audience.NEXT_LEADER
        EmulationYearFactory(bloc=world.bloc, year=2021, leader=UnitFactory(province=world.bloc.province))
    deadline = DeadlineFactory(
        year=world.year, kind=DeadlineKind.LAUNCH_PLAN, audience=audience, unit=unit, opens_at=None, due_at=DUE
    )

    assert [u for _d, u, _o in reminders_due(now=at(7))] == owing_units(deadline)


def test_only_active_officers_are_reminded_and_each_in_their_own_language(world, deadline):
    english = officer_of(world.member_unit, language="en", username="zz-english")
    officer_of(world.member_unit, is_active=False, username="zz-inactive")
    world.member.language = "vi"
    world.member.save()

    (reminder,) = [r for r in reminders_tick(now=at(3)) if r.unit == world.member_unit]

    assert reminder.recipients == sorted([world.member.username, english.username])
    titles = dict(Notification.objects.filter(recipient__in=[world.member, english]).values_list("recipient", "title"))
    english_title = "Reminder: “Báo cáo tổng kết năm” is due in 3 days"
    with translation.override("vi"):
        vietnamese_title = ngettext(
            "Reminder: “%(title)s” is due in %(n)d day", "Reminder: “%(title)s” is due in %(n)d days", 3
        ) % {"title": "Báo cáo tổng kết năm", "n": 3}
    assert titles == {english.pk: english_title, world.member.pk: vietnamese_title}
    body = Notification.objects.get(recipient=english).body
    assert body == (
        f"{world.member_unit.name} has not yet sent “Báo cáo tổng kết năm” ({world.bloc.name}, 2020).\n"
        "Due date: 20/10/2020 23:59."
    )
    assert set(Notification.objects.values_list("link", flat=True)) == {"/blocs/ktdnc/years/2020/submissions/"}
    assert set(OutboxMessage.objects.values_list("dedupe_key", flat=True)) >= {
        f"reminder:{deadline.pk}:{world.member_unit.pk}:3:{english.pk}"
    }


def test_an_overdue_reminder_says_so_and_an_extended_due_date_is_named(world, deadline):
    Extension.objects.create(deadline=deadline, unit=world.member_unit, due_at=DUE + 2 * DAY, reason="Ốm")
    world.member.language = "en"
    world.member.save()
    world.leader.language = "en"
    world.leader.save()

    reminders_tick(now=at(-1))

    texts = dict(
        Notification.objects.filter(recipient__in=[world.member, world.leader]).values_list("recipient", "body")
    )
    assert Notification.objects.get(recipient=world.leader).title == "Overdue: “Báo cáo tổng kết năm” was due 1 day ago"
    assert texts[world.member.pk].endswith("Due date, as extended for your unit: 22/10/2020 23:59.")


def test_a_unit_without_active_officers_is_recorded_with_no_recipients(world, deadline):
    world.member.is_active = False
    world.member.save()

    reminders_tick(now=at(3))

    assert ReminderSent.objects.get(unit=world.member_unit).recipients == []
    assert not Notification.objects.filter(recipient=world.member).exists()


# --- dry run, exactly once ---------------------------------------------------------------------------------


def test_a_dry_run_writes_nothing_and_returns_what_a_tick_then_sends(world, deadline):
    planned = reminders_tick(now=at(3), dry_run=True)
    written = counts()
    sent = reminders_tick(now=at(3))

    def view(rows):
        return [(r.deadline, r.unit, r.offset_days, r.recipients) for r in rows]

    assert (written, [r.pk for r in planned]) == ((0, 0, 0), [None, None, None])
    assert view(planned) == view(sent)
    assert all(r.pk for r in sent)
    assert reminders_tick(now=at(3), dry_run=True) == []


def test_two_ticks_at_the_same_moment_send_each_reminder_once(deadline):
    first = reminders_tick(now=at(3))
    second = reminders_tick(now=at(3))

    assert (len(first), second, counts()) == (3, [], (3, 3, 3))


def test_a_tick_that_lost_the_race_after_selecting_sends_nothing(deadline):
    """reminders_due ran before another tick committed: get_or_create finds the row and nothing is notified."""
    due = reminders.reminders_due(now=at(3))
    reminders_tick(now=at(3))

    with mock.patch.object(reminders, "reminders_due", return_value=due):
        late = reminders_tick(now=at(3))

    assert (late, counts()) == ([], (3, 3, 3))


def test_a_retried_task_sends_none_twice(deadline, freeze_now):
    freeze_now(at(3))

    results = [remind_task.apply().get(), remind_task.apply(retries=1).get()]

    assert (results, counts()) == ([3, 0], (3, 3, 3))


class WorkerDied(BaseException):
    """What a killed worker looks like from inside: not an Exception, nothing catches it."""


def test_a_worker_that_dies_mid_tick_loses_nothing_and_the_next_tick_sends_the_rest_once(
    deadline, members, monkeypatch
):
    monkeypatch.setattr(reminders, "BATCH", 1)  # one reminder per transaction, to die between two of them
    calls = []

    def dies_on_the_second(notices):
        calls.append(notices)
        if len(calls) == 2:
            raise WorkerDied
        return notify_many(notices)

    with mock.patch.object(reminders, "notify_many", dies_on_the_second), pytest.raises(WorkerDied):
        reminders_tick(now=at(3))
    after_crash = counts()
    again = reminders_tick(now=at(3))

    assert after_crash == (1, 1, 1)  # the second reminder's transaction was rolled back whole
    assert ([r.unit for r in again], counts()) == (members[1:], (3, 3, 3))
    assert sorted(OutboxMessage.objects.values_list("to_email", flat=True)) == sorted(
        u.officers.get().user.email for u in members
    )


def test_a_worker_that_dies_in_a_batch_rolls_the_whole_batch_back_and_the_next_tick_sends_it(deadline, members):
    def dies(notices):
        list(notices)
        raise WorkerDied

    with mock.patch.object(reminders, "notify_many", dies), pytest.raises(WorkerDied):
        reminders_tick(now=at(3))
    after_crash = counts()
    again = reminders_tick(now=at(3))

    assert (after_crash, [r.unit for r in again], counts()) == ((0, 0, 0), members, (3, 3, 3))


def test_a_tick_writes_its_reminders_in_batches_in_a_fixed_number_of_queries(
    world, deadline, members, django_assert_max_num_queries
):
    """Three reminders or thirty: the rows, notifications and e-mails of a batch are written together."""
    for n in range(27):
        unit = UnitFactory(name=f"Đơn vị {n:02d}")
        MembershipFactory(bloc=world.bloc, unit=unit)
        officer_of(unit)

    with django_assert_max_num_queries(25):
        sent = reminders_tick(now=at(3))

    assert (len(sent), counts()) == (30, (30, 30, 30))


def test_one_failing_reminder_does_not_stop_the_others_and_goes_out_next_tick(world, deadline, caplog):
    def fails_for_the_member(notices):
        notices = list(notices)
        if any(f":{world.member_unit.pk}:" in notice.dedupe_key for notice in notices):
            raise RuntimeError("a bug in one reminder")
        return notify_many(notices)

    with mock.patch.object(reminders, "notify_many", fails_for_the_member):
        first = reminders_tick(now=at(3))
    second = reminders_tick(now=at(3))

    assert (len(first), [r.unit for r in second], counts()) == (2, [world.member_unit], (3, 3, 3))
    assert "the next tick retries it" in caplog.text


@pytest.fixture
def freeze_now(monkeypatch):
    def freeze(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


# --- the mail really goes out ------------------------------------------------------------------------------


def test_a_reminder_mail_is_sent_by_the_outbox_once(world, deadline, settings):
    settings.SITE_URL = "https://thidua.example.vn"
    world.member.language = "en"
    world.member.save()
    reminders_tick(now=at(3))

    sent = outbox_flush()
    again = outbox_flush()

    assert (sent, again, len(mail.outbox)) == (3, 0, 3)
    message = next(m for m in mail.outbox if m.to == [world.member.email])
    assert message.subject == "Reminder: “Báo cáo tổng kết năm” is due in 3 days"
    assert message.body.startswith(f"{world.member_unit.name} has not yet sent “Báo cáo tổng kết năm”")
    assert "/blocs/ktdnc/years/2020/submissions/" in message.body


def test_in_the_embedded_run_mode_a_reminder_is_written_by_the_file_mail_backend(world, deadline, settings, tmp_path):
    """The README's run mode: no Redis (the broker setting is left as it is), mail to files or the console."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path

    reminders_tick(now=at(1))
    outbox_flush()

    # One file per connection (two in the same second may share one), each message followed by a line of dashes.
    chunks = [chunk for path in tmp_path.iterdir() for chunk in path.read_text().split("-" * 79 + "\n")]
    mails = [email.message_from_string(chunk) for chunk in chunks if chunk.strip()]
    assert sorted(m["To"] for m in mails) == sorted(u.email for u in (world.leader, world.deputy, world.member))
    with translation.override("vi"):  # every officer reads Vietnamese (the default)
        title = ngettext(
            "Reminder: “%(title)s” is due in %(n)d day", "Reminder: “%(title)s” is due in %(n)d days", 1
        ) % {"title": "Báo cáo tổng kết năm", "n": 1}
        due_line = gettext("Due date: %(due)s.") % {"due": "20/10/2020 23:59"}
    assert {str(make_header(decode_header(m["Subject"]))) for m in mails} == {title}
    assert all(due_line in m.get_payload() for m in mails)


def test_beat_ticks_the_reminders_every_five_minutes(settings):
    from config.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["remind"] == {"task": "reports.remind", "schedule": 300.0}
    assert app.tasks["reports.remind"].name == remind_task.name == "reports.remind"


# --- the outbox: stuck messages ------------------------------------------------------------------------------


def claimed(minutes_ago: float, attempts: int = 1) -> OutboxMessage:
    notify(users=[officer_of(UnitFactory())], title="T", body="B")
    message = OutboxMessage.objects.latest("pk")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING,
        attempts=attempts,
        claimed_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )
    return message


def outbox_state() -> list[tuple]:
    return list(OutboxMessage.objects.order_by("pk").values_list("status", "attempts", "next_attempt_at"))


def test_a_message_stuck_in_sending_is_recovered_and_sent_once(db, settings):
    settings.OUTBOX_STUCK_MINUTES = 10
    stuck, busy = claimed(minutes_ago=11), claimed(minutes_ago=5)

    sent = outbox_flush()
    again = outbox_flush()

    assert (sent, again, [m.to for m in mail.outbox]) == (1, 0, [[stuck.to_email]])
    assert outbox_state() == [("sent", 2, None), ("sending", 1, busy.next_attempt_at)]


def test_a_stuck_message_whose_retry_period_is_over_is_given_up_and_one_within_it_is_retried(db, settings):
    settings.OUTBOX_RETRY_HOURS = 72
    expired, retried = claimed(minutes_ago=60, attempts=80), claimed(minutes_ago=60, attempts=80)
    OutboxMessage.objects.filter(pk=expired.pk).update(retry_from=timezone.now() - datetime.timedelta(hours=73))
    OutboxMessage.objects.filter(pk=retried.pk).update(retry_from=timezone.now() - datetime.timedelta(hours=71))

    sent = outbox_flush()

    # However many attempts: only the time since the message was queued gives it up.
    assert (sent, [m.to for m in mail.outbox]) == (1, [[retried.to_email]])
    assert outbox_state() == [("failed", 80, None), ("sent", 81, None)]
    assert OutboxMessage.objects.get(pk=expired.pk).last_error.startswith("Still sending after")


class SlowThenFailingBackend(BaseEmailBackend):
    """The first send hangs past the stuck limit (meanwhile the beat recovers the message and sends it again),
    then fails: the late failure must not overwrite the second claim's success."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        if type(self).calls == 1:
            later = timezone.now() + datetime.timedelta(minutes=11)
            with mock.patch.object(timezone, "now", return_value=later):
                assert outbox_flush() == 1
            raise smtplib.SMTPServerDisconnected("timed out")
        return len(email_messages)


def test_a_worker_that_comes_back_after_its_message_was_recovered_overwrites_nothing(db, settings):
    settings.EMAIL_BACKEND = "tests.reports.test_reminders.SlowThenFailingBackend"
    SlowThenFailingBackend.calls = 0
    notify(users=[officer_of(UnitFactory())], title="T", body="B")

    first = outbox_send(message_id=OutboxMessage.objects.get().pk)

    message = OutboxMessage.objects.get()
    assert (first, SlowThenFailingBackend.calls, message.status, message.attempts) == (False, 2, "sent", 2)


# --- the command ------------------------------------------------------------------------------------------


def test_the_remind_command_dry_run_lists_and_writes_nothing_then_sends(world, deadline, members):
    out = io.StringIO()
    call_command("remind", "--dry-run", "--now", "2020-10-17 08:00", stdout=out)
    dry = out.getvalue()
    written = counts()
    out = io.StringIO()
    call_command("remind", "--now", "2020-10-17 08:00", stdout=out)

    lines = [f"Báo cáo tổng kết năm | {u.name} | {days_left_vi(3)}" for u in members]
    assert written == (0, 0, 0)
    assert dry.splitlines()[:3] == [
        f"{line} (+3) | {u.officers.get().user.username}" for line, u in zip(lines, members, strict=True)
    ]
    assert "3 reminder(s) would be sent for 17/10/2020 08:00" in dry
    # The e-mails leave through the worker after commit (here the test's transaction never commits): queued.
    assert out.getvalue().splitlines()[-1] == (
        "3 reminder(s) queued for e-mail for 17/10/2020 08:00 (Asia/Ho_Chi_Minh): 3 e-mail(s), 0 sent yet, 0 failed."
    )
    assert counts() == (3, 3, 3)


@pytest.mark.django_db(transaction=True)
def test_the_remind_command_says_how_many_e_mails_went_out_and_how_many_failed(world, settings):
    """Committed, each batch's e-mails go to the worker (eager here): the command counts what happened to them."""
    settings.EMAIL_BACKEND = "tests.reports.test_reminders.RefusingForOne"
    RefusingForOne.address = world.member.email
    DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT, title="Báo cáo", opens_at=None, due_at=DUE)
    out = io.StringIO()

    call_command("remind", "--now", "2020-10-17 08:00", stdout=out)

    assert out.getvalue().splitlines()[-1] == (
        "3 reminder(s) queued for e-mail for 17/10/2020 08:00 (Asia/Ho_Chi_Minh): 3 e-mail(s), 2 sent yet, 1 failed."
    )


class RefusingForOne(BaseEmailBackend):
    """An SMTP server that refuses one address and accepts the others."""

    address = ""

    def send_messages(self, email_messages):
        if any(self.address in message.to for message in email_messages):
            raise smtplib.SMTPRecipientsRefused({self.address: (550, b"5.1.1 Mailbox unavailable")})
        return len(email_messages)


def test_the_remind_command_refuses_an_unreadable_time(db):
    with pytest.raises(CommandError, match="2020-10-12 08:00"):
        call_command("remind", "--now", "next tuesday")


# --- a real worker on Redis --------------------------------------------------------------------------------


def wait_until(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return
        except OperationalError:
            pass  # SQLite's shared in-memory test database: "table is locked" while the worker writes; ask again
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the worker")
        time.sleep(0.1)


def drain() -> None:
    """Wait until the worker has run everything queued so far: it runs each queue's tasks in order, but may take
    the queues in any order, so a heartbeat goes through each queue the tasks use (the tick's and the mail's)."""

    def beats() -> dict[str, int]:
        return dict(Heartbeat.objects.filter(name__in=("worker", "worker:mail")).values_list("name", "count"))

    before = beats()
    heartbeat_task.apply_async(queue="tick")
    heartbeat_task.apply_async(args=["mail"], queue="mail")
    wait_until(lambda: all(beats().get(name, 0) > before.get(name, 0) for name in ("worker", "worker:mail")))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_mails_each_reminder_once_however_often_beat_ticks(redis_worker, world, settings):
    settings.EMAIL_BACKEND = LOCMEM  # the test worker is a thread of this process: mail.outbox is shared
    DeadlineFactory(year=world.year, opens_at=None, due_at=timezone.now() + 3 * DAY)

    remind_task.delay()
    remind_task.delay()
    drain()  # both ticks ran; their mails were queued behind them
    drain()  # and sent

    assert ReminderSent.objects.count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in (world.leader, world.deputy, world.member))
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ticks_record_and_mail_each_reminder_once(redis_worker, world, settings):
    settings.EMAIL_BACKEND = LOCMEM
    DeadlineFactory(year=world.year, opens_at=None, due_at=DUE)
    DeadlineFactory(year=world.year, kind=DeadlineKind.SUMMARY_REPORT, opens_at=None, due_at=DUE)
    start = threading.Barrier(2)
    sent: list[int] = []

    def tick() -> None:
        close_old_connections()
        try:
            start.wait()
            sent.append(len(reminders_tick(now=at(3))))
        except OperationalError:
            sent.append(0)  # SQLite's "table is locked" in a read (see below): this tick sent nothing
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # What beat does next. Needed on SQLite only: the test database there is in memory with a shared cache,
    # where a writer that meets another gets "table is locked" at once instead of waiting; the tick and the
    # outbox leave such a reminder or mail to the next tick or flush, as they would any failure.
    sent.append(len(reminders_tick(now=at(3))))
    flush_outbox_task.delay()
    drain()
    drain()

    assert (sum(sent), ReminderSent.objects.count(), OutboxMessage.objects.count(), len(mail.outbox)) == (6, 6, 6, 6)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        2 * [u.email for u in (world.leader, world.deputy, world.member)]
    )


# --- the leader's log page ---------------------------------------------------------------------------------

LOG = reverse("reports:reminders", kwargs={"slug": "ktdnc", "year": 2020})
MAY_SEE = {"leader", "board"}
KNOW_THE_YEAR = {"leader", "deputy", "member", "board"}  # the others get 404: to them the year does not exist


@pytest.mark.parametrize("role", ROLES)
def test_the_log_is_for_the_leader_and_the_board(world, deadline, client_as, role):
    reminders_tick(now=at(3))

    response = client_as(world.user(role)).get(LOG)

    if role == "anonymous":
        assert (response.status_code, response["Location"]) == (302, redirect_to_login(LOG).url)
    else:
        assert response.status_code == (200 if role in MAY_SEE else 403 if role in KNOW_THE_YEAR else 404)


def test_the_log_shows_what_was_sent_to_whom_and_where_each_mail_stands(world, deadline, client_as):
    reminders_tick(now=at(3))
    reminders_tick(now=at(-2))
    member_mails = OutboxMessage.objects.filter(to_email=world.member.email).order_by("pk")
    outbox_send(message_id=member_mails[0].pk)
    ReminderSent.objects.filter(offset_days=-2).update(sent_at=timezone.now() + DAY)  # the later tick

    response = client_as(world.leader).get(LOG)

    rows = response.context["rows"]
    assert [
        (r["reminder"].unit, r["reminder"].offset_days) for r in rows if r["reminder"].unit == world.member_unit
    ] == [
        (world.member_unit, -2),
        (world.member_unit, 3),
    ]
    member_rows = {r["reminder"].offset_days: r for r in rows if r["reminder"].unit == world.member_unit}
    with translation.override("vi"):
        assert (member_rows[3]["when"], member_rows[-2]["when"]) == (
            ngettext("%(n)d day left", "%(n)d days left", 3) % {"n": 3},
            ngettext("Overdue by %(n)d day", "Overdue by %(n)d days", 2) % {"n": 2},
        )
    assert member_rows[3]["recipients"] == [world.member.full_name]
    assert [(m.to_email, m.status) for m in member_rows[3]["messages"]] == [(world.member.email, "sent")]
    assert [(m.to_email, m.status) for m in member_rows[-2]["messages"]] == [(world.member.email, "pending")]
    html = response.content.decode()
    assert "Còn 3 ngày" in html and "Quá hạn 2 ngày" in html


def test_the_log_is_paginated(world, client_as):
    make_reminders(world, 26)
    client = client_as(world.board)

    sizes = [len(client.get(LOG, {"page": page}).context["rows"]) for page in (1, 2)]

    assert sizes == [25, 1]


def make_reminders(world, n: int) -> None:
    """n reminders, each with its e-mail: alternately to the member and the deputy unit, on n/2 deadlines."""
    units = ((world.member_unit, world.member), (world.deputy_unit, world.deputy))
    deadline = None
    for i in range(n):
        if i % 2 == 0:
            deadline = DeadlineFactory(year=world.year, opens_at=None, due_at=DUE + i * DAY)
        unit, user = units[i % 2]
        ReminderSent.objects.create(deadline=deadline, unit=unit, offset_days=3, recipients=[user.username])
        notify(users=[user], title="T", body="B", dedupe_key=f"reminder:{deadline.pk}:{unit.pk}:3")


LOG_PAGE_QUERIES = 12  # the e-mails of the page's reminders in one query, the undelivered ones counted in one


@pytest.mark.parametrize("n", [3, 20])
def test_log_page_query_count(world, client_as, django_assert_max_num_queries, settings, n):
    make_reminders(world, n)
    # Every state of an e-mail: sent, retrying and given up, besides the queued ones.
    settings.EMAIL_BACKEND = LOCMEM
    messages = list(OutboxMessage.objects.order_by("pk"))
    outbox_send(message_id=messages[0].pk)
    settings.EMAIL_BACKEND = "tests.reports.test_reminders.RefusingBackend"
    for message in messages[1:3]:
        outbox_send(message_id=message.pk)
    OutboxMessage.objects.filter(pk=messages[2].pk).update(next_attempt_at=None)
    client = client_as(world.leader)

    with django_assert_max_num_queries(LOG_PAGE_QUERIES):
        response = client.get(LOG)

    assert len(response.context["rows"]) == n
    assert all(len(row["messages"]) == 1 for row in response.context["rows"])
    shown = Counter(row["messages"][0].delivery for row in response.context["rows"])
    assert shown == Counter({"sent": 1, "retrying": 1, "given_up": 1, "queued": n - 3})


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the mail."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.vn": (550, b"5.1.1 Mailbox unavailable")})


def test_the_log_says_where_each_reminder_mail_stands(world, deadline, client_as, settings):
    reminders_tick(now=at(3))
    by_address = {m.to_email: m for m in OutboxMessage.objects.all()}
    sent, retrying, given_up = (by_address[u.email] for u in (world.leader, world.deputy, world.member))
    outbox_send(message_id=sent.pk)
    settings.EMAIL_BACKEND = "tests.reports.test_reminders.RefusingBackend"
    outbox_send(message_id=retrying.pk)
    outbox_send(message_id=given_up.pk)
    OutboxMessage.objects.filter(pk=given_up.pk).update(
        retry_from=timezone.now() - 4 * DAY, next_attempt_at=timezone.now()
    )
    outbox_send(message_id=given_up.pk)

    response = client_as(world.leader).get(LOG)

    html = response.content.decode()
    states = {m.to_email: m.delivery for row in response.context["rows"] for m in row["messages"]}
    assert states == {world.leader.email: "sent", world.deputy.email: "retrying", world.member.email: "given_up"}
    for state in ("sent", "retrying", "given_up"):
        assert html.count(f'data-delivery="{state}"') == 1
    assert html.count("SMTPRecipientsRefused") == 2  # the last error of the retrying and the given-up e-mails
    undelivered = reverse("core:undelivered-mail", kwargs={"audience": "bloc-year", "key": "ktdnc-2020"})
    assert f'href="{undelivered}" data-undelivered-mail="2"' in html
