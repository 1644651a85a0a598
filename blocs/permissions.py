"""Rules of the blocs app, registered in core's permission service (design §3)."""

from core.permissions import can, hidden_unless, rule

from .models import Bloc, Covenant, CovenantRegistration, Deadline, EmulationYear, Province
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


@rule("blocs.year.open_elected")
def may_open_elected_year(user, year: EmulationYear) -> bool:
    """The conference's confirmed election opens year N+1: run by year N's leader unit (or the board)."""
    return not year.is_closed and (is_leader(user, year) or is_board_of(user, year.bloc.province_id))


# --- the emulation covenant (giao ước thi đua) -------------------------------------------------------------


def _covenant_issued(year: EmulationYear) -> bool:
    """Whether the year's covenant is issued (the reverse one-to-one is cached on the year, even when absent)."""
    from .models import Covenant

    try:
        return year.covenant.is_issued
    except Covenant.DoesNotExist:
        return False


@rule("blocs.covenant.view")
def may_view_covenant(user, year: EmulationYear) -> bool:
    """The covenant page and the registrations sent: the province's board and every member unit of the year."""
    return is_board_of(user, year.bloc.province_id) or is_member(user, year)


@rule("blocs.covenant.own")
def may_see_own_registration(user, year: EmulationYear) -> bool:
    """An officer of a member unit reads their unit's registration and its versions (even once frozen)."""
    return facts(user).is_officer and is_member(user, year)


@rule("blocs.covenant.register")
def may_register_for_covenant(user, target) -> bool:
    """(year, unit): an officer of that unit, a member in that year, while the year is open and the covenant is
    not issued."""
    year, unit = target
    if year.is_closed or facts(user).unit_id != unit.pk or not is_member(user, year):
        return False
    return not _covenant_issued(year)


@rule("blocs.covenant.issue")
def may_issue_covenant(user, year: EmulationYear) -> bool:
    """The year's leader unit drafts and issues the covenant while the year is open."""
    return not year.is_closed and is_leader(user, year)


@rule("blocs.covenant.document")
def may_read_covenant_document(user, covenant) -> bool:
    """The covenant's preview and files: once issued, whoever may view it; a draft, only its leader unit."""
    if covenant.is_issued:
        return may_view_covenant(user, covenant.year)
    return may_issue_covenant(user, covenant.year)


# --- accounts and the system administration --------------------------------------------------------------


@rule("blocs.people.manage")
def may_manage_people(user, province: Province | None) -> bool:
    """Officers' accounts of a province (create, invite, move, deactivate): its emulation board."""
    return may_set_up(user, province)


@rule("blocs.staff.manage")
def may_manage_staff(user, province: Province) -> bool:
    """The board staff accounts of a province: its board, and the system administrator (the first account)."""
    return user.is_superuser or is_board_of(user, province.pk)


@rule("blocs.system")
def may_administer_system(user, _obj=None) -> bool:
    """Provinces and their first board accounts: the system administrator (a superuser)."""
    return user.is_superuser


# --- undelivered mail (core's pages of it, blocs/mail.py) -----------------------------------------------------


@rule("blocs.mail.province")
def may_see_province_mail(user, province: Province) -> bool:
    """The mail the outbox has not delivered to the users of a province, and resending it: its board."""
    return is_board_of(user, province.pk)


@rule("blocs.mail.year")
def may_see_year_mail(user, year: EmulationYear) -> bool:
    """The mail not delivered to the officers of a bloc-year's member units (its reminders, mostly), and resending
    it: the year's leader unit, and the province's board."""
    return is_leader(user, year) or is_board_of(user, year.bloc.province_id)


# --- who may know that an object exists (no existence oracle: 404 to the others) ----------------------------


def knows_province(user, province: Province) -> bool:
    """The province's board and the officers of its units."""
    f = facts(user)
    if f.board_province_id == province.pk:
        return True
    unit = f.person.unit if f.person is not None else None
    return unit is not None and unit.province_id == province.pk


def knows_year_of(user, obj) -> bool:
    """An object of an emulation year is known to whoever sees the year (its members and the board)."""
    return can(user, "blocs.year.view", obj.year)


hidden_unless(Province, knows_province)
hidden_unless(Bloc, "blocs.bloc.view")
hidden_unless(EmulationYear, "blocs.year.view")
hidden_unless(Deadline, knows_year_of)
hidden_unless(CovenantRegistration, knows_year_of)
hidden_unless(Covenant, knows_year_of)
