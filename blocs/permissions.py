"""Rules of the blocs app, registered in core's permission service (design §3)."""

from core.permissions import rule

from .models import Bloc, EmulationYear, Province
from .roles import facts, is_board_of, is_leader, is_member


@rule("blocs.setup")
def may_set_up(user, province: Province | None) -> bool:
    """The province's emulation board sets up blocs, units, members, rotation and years."""
    f = facts(user)
    if province is None:
        return f.is_board
    return f.board_province_id == province.pk


@rule("blocs.bloc.view")
def may_view_bloc(user, bloc: Bloc) -> bool:
    return is_board_of(user, bloc.province_id) or facts(user).is_member(bloc.pk)


@rule("blocs.bloc.manage")
def may_manage_bloc(user, bloc: Bloc) -> bool:
    return is_board_of(user, bloc.province_id)


@rule("blocs.year.view")
def may_view_year(user, year: EmulationYear) -> bool:
    return is_board_of(user, year.bloc.province_id) or is_member(user, year)


@rule("blocs.year.manage")
def may_manage_year(user, year: EmulationYear) -> bool:
    """Leader, deputy and phase are the board's to set; the conference's election feeds them."""
    return is_board_of(user, year.bloc.province_id) and not year.is_closed


@rule("blocs.calendar.edit")
def may_edit_calendar(user, year: EmulationYear) -> bool:
    if year.is_closed:
        return False
    return is_leader(user, year) or is_board_of(user, year.bloc.province_id)


@rule("blocs.year.lead")
def may_lead_year(user, year: EmulationYear) -> bool:
    """The leader unit's officers run the year: the members' status, and later review and ballots."""
    return is_leader(user, year)
