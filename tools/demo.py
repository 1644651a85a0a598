"""The demo's orchestration (`manage.py seed_demo`): each app builds its own part of the demo, in the order of the
apps; this calls them one after the other and decides which year is the current one.

The demo is a live one. It keeps the real history — Tuyên Quang's internal-affairs bloc in 2020 as Kế hoạch
53/KH-KTĐNC describes it, with its conference, the closed 2019 before it and 2021, which that conference opened —
and builds each bloc's current year around the day it runs (`today`): the year whose cycle is in progress then
(`current_year_for`), with its calendar, sheets and reports as they stand a few days before the self-assessment
is due. The years in between are summarised: opened with the next leaders of the rotation and closed, with nothing
the demo cannot tell. Every past year is closed (read-only).

Safe to run again: on the same day nothing changes. On another day the current year is built again around that day
(and when the year in progress has changed, the former current year is summarised like the years before it).
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from awards import demo as awards_demo
from blocs import demo as blocs_demo
from blocs.covenant_demo import seed_covenant_demo, seed_covenant_issued
from blocs.enums import DeadlineKind
from blocs.models import Bloc, EmulationYear, LeaderTerm, RegisterEntry
from blocs.services import deadline_delete
from conference import demo as conference_demo
from conference.demo.meetings import seed_mid_year_review
from conference.demo.minutes import seed_minutes_demo
from conference.demo.summary import seed_summary_demo
from core import pagecache
from core.models import Notification
from reports import demo as reports_demo
from scoring import demo as scoring_demo
from tools.generate import latest_year

DEMO_PASSWORD = blocs_demo.DEMO_PASSWORD
HISTORY_SLUG = "ktdnc"  # the bloc of Kế hoạch 53/KH-KTĐNC
FIRST_LIVE_YEAR = 2022  # the first year the live demo opens itself (2020's conference opened 2021)
COVENANT_ISSUED = (1, 8)  # each year's covenant is issued on 08/01, after the registrations of November–December


def current_year_for(today: datetime.date) -> int:
    """The year whose cycle is in progress on `today`: the calendar year from June on, the year before until the end
    of May (its year-end review runs into the spring). The same rule as the generated data (tools/generate.py)."""
    return latest_year(today)


def earliest_today() -> datetime.date:
    """The first day on which the current year is one the live demo opens itself."""
    return datetime.date(FIRST_LIVE_YEAR, 6, 1)


@transaction.atomic
def seed(*, today: datetime.date | None = None) -> dict:
    """Build (or bring back) the demo data around `today` (default: today's local date). Returns blocs.demo's result
    (the demo's "blocs" and its "logins") with "today" and "current": each bloc's current year."""
    today = today or timezone.localdate()
    current = current_year_for(today)
    if current < FIRST_LIVE_YEAR:
        raise ValueError(f"The demo's current year begins on {earliest_today():%d/%m/%Y}; {today:%d/%m/%Y} is before.")
    result = blocs_demo.seed(keep_closed=True)
    scoring_demo.seed()
    conference_demo.seed()
    reports_demo.seed_submissions()
    # The 2020 conference: ballots, run-off, the election that opens 2021, dossiers and decisions; its
    # minutes; and 2021's covenant registrations from every member.
    awards_demo.seed()
    history = EmulationYear.objects.select_related("bloc", "leader", "deputy").get(bloc__slug=HISTORY_SLUG, year=2020)
    seed_minutes_demo(history)
    seed_summary_demo(history)  # the draft the leader wrote for the comment round
    seed_covenant_demo(EmulationYear.objects.get(bloc__slug=HISTORY_SLUG, year=2021))

    board = blocs_demo.board_user()
    _summarise_2021(board)
    blocs_demo.close_year(history, by=board)
    result["current"] = [_bring_to(bloc, current, today, board) for bloc in result["blocs"]]
    _read_history_notifications(current)
    pagecache.touch(pagecache.GLOBAL)  # parts of the demo are bulk inserts, which no model signal sees
    result["today"] = today
    return result


def _summarise_2021(board) -> None:
    """2021 as history: its leader's launch plan and the covenant it issued from the members' registrations; its
    year-end cycle, seeded from 2020's calendar when it opened, is left out (the demo cannot tell how it went).
    Then closed."""
    year = EmulationYear.objects.select_related("bloc", "leader", "deputy").get(bloc__slug=HISTORY_SLUG, year=2021)
    if year.is_closed:
        return
    for deadline in year.deadlines.exclude(kind__in=[DeadlineKind.COVENANT, DeadlineKind.LAUNCH_PLAN]):
        deadline_delete(deadline=deadline, by=board)
    reports_demo.seed_launch_plan_2021(year)
    seed_covenant_issued(year, issued_on=datetime.date(2021, *COVENANT_ISSUED))
    blocs_demo.close_year(year, by=board)


def _as_left(year: EmulationYear | None, current: int, today: datetime.date) -> bool:
    """Is the year as the demo leaves it: a summarised year closed with no calendar, or the current year built
    around `today`?"""
    if year is None:
        return False
    if year.year < current:
        return year.is_closed and not year.deadlines.exists()
    return not year.is_closed and blocs_demo.is_built_for(year, today)


def _bring_to(bloc: Bloc, current: int, today: datetime.date, board) -> EmulationYear:
    """The bloc's years up to `current` as the demo leaves them: what is not (a year opened after it, a former
    current year, a current year built around another day) is deleted with what follows it and built again."""
    years = {y.year: y for y in bloc.years.all()}
    doomed = {n for n in years if n > current}
    for n in range(FIRST_LIVE_YEAR, current + 1):
        if not _as_left(years.get(n), current, today):
            doomed |= {k for k in years if k >= n}
            break
    _delete_years(bloc, doomed)
    if current in years and current not in doomed:
        return years[current]
    blocs_demo.open_years_until(bloc=bloc, last=current, by=board)
    year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(bloc=bloc, year=current)
    _build_current(year, today)
    return year


def _build_current(year: EmulationYear, today: datetime.date) -> None:
    blocs_demo.seed_current_calendar(year, today)
    seed_covenant_issued(year, issued_on=datetime.date(year.year, *COVENANT_ISSUED))
    if year.bloc.slug == HISTORY_SLUG:  # the plan follows Plan 53, which is this bloc's
        seed_mid_year_review(year, today)  # first: its plan (June) is numbered before the conference's (November)
        conference_demo.seed_current_plan(year, today)
    scoring_demo.seed_current(year, today)
    reports_demo.seed_current(year, today)


def _delete_years(bloc: Bloc, doomed: set[int]) -> None:
    """Delete the bloc's years `doomed` with everything that belongs to them (whatever app it comes from: what a
    deletion is refused for is deleted first), their leaders' history and the numbers they took in the register."""
    if not doomed:
        return
    for n in sorted(doomed, reverse=True):
        _delete(EmulationYear.objects.filter(bloc=bloc, year=n))
    LeaderTerm.objects.filter(bloc=bloc, year__in=doomed).delete()
    # a year's documents are numbered in the register of their date's year: that year or the one after
    RegisterEntry.objects.filter(bloc=bloc, year__gte=min(doomed)).delete()


def _delete(queryset, depth: int = 0) -> None:
    if depth > 20:
        raise RuntimeError(f"The demo could not delete {queryset.model.__name__}: too many records depend on it.")
    while True:
        try:
            queryset.delete()
            return
        except (ProtectedError, RestrictedError) as error:
            blockers = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
            by_model = defaultdict(set)
            for obj in blockers:
                by_model[type(obj)].add(obj.pk)
            for model, pks in by_model.items():
                _delete(model._default_manager.filter(pk__in=pks), depth + 1)


def _read_history_notifications(current: int) -> None:
    """What the history sent to the officers (in 2020 and 2021) was read long ago: only the current year's news is
    unread in their bell."""
    past = Q()
    for n in range(2019, current):
        past |= Q(link__contains=f"/years/{n}/")
    Notification.objects.filter(past, read_at__isnull=True).update(read_at=timezone.now())
