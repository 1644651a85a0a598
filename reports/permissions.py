"""Rules of the reports app: a unit's officers send their own unit's files; the leader decides on them and grants
extensions; the leader and the board see every unit's files and the reminders sent."""

from blocs.roles import facts, is_board_of, is_leader
from core.permissions import rule


@rule("reports.submission.upload")
def may_upload(user, target) -> bool:
    """A unit's officer sends their own unit's files while the year is open."""
    deadline, unit = target
    return not deadline.year.is_closed and facts(user).unit_id == unit.pk


@rule("reports.submission.decide")
def may_decide(user, year) -> bool:
    """The leader accepts or returns submissions and grants extensions."""
    return not year.is_closed and is_leader(user, year)


@rule("reports.submission.view_all")
def may_view_all_submissions(user, year) -> bool:
    return is_board_of(user, year.bloc.province_id) or is_leader(user, year)


@rule("reports.reminders.view")
def may_view_reminders(user, year) -> bool:
    """The log of reminders sent and their e-mails: the leader unit of the year and the province's board."""
    return is_leader(user, year) or is_board_of(user, year.bloc.province_id)
