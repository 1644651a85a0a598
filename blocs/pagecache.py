"""Whose cached pages a write to a blocs model changes (see core.pagecache): a bloc's year, calendar, name and
members show on the pages of the officers of every unit that is or was a member; a unit's name and people on
those of its blocs; a person's place on their own."""

from collections.abc import Iterable

from core import pagecache
from core.pagecache import GLOBAL, user_scope

from .models import Bloc, Deadline, EmulationYear, Membership, Person, Province, Unit


def bloc_users(bloc_ids: Iterable[int]) -> list[str]:
    """The scopes of the officers of every unit with a membership (of any years) of these blocs."""
    bloc_ids = [bloc_id for bloc_id in bloc_ids if bloc_id is not None]
    if not bloc_ids:
        return []
    users = Person.objects.filter(unit__memberships__bloc_id__in=bloc_ids).values_list("user_id", flat=True)
    return [user_scope(user_id) for user_id in users.distinct()]


def unit_users(unit_id: int | None) -> list[str]:
    """The scopes of the unit's officers and of the officers of every bloc it is or was a member of."""
    if unit_id is None:
        return []
    blocs = Membership.objects.filter(unit_id=unit_id).values("bloc_id")
    officers = Person.objects.filter(unit_id=unit_id).values_list("user_id", flat=True)
    members = Person.objects.filter(unit__memberships__bloc_id__in=blocs).values_list("user_id", flat=True)
    return [user_scope(user_id) for user_id in {*officers, *members}]


def year_users(year_id: int | None) -> list[str]:
    if year_id is None:
        return []
    return bloc_users(EmulationYear.objects.filter(pk=year_id).values_list("bloc_id", flat=True))


def touch_bloc(bloc_id: int) -> None:
    """For a write that sends no signal (a bulk insert, a queryset update) to a bloc's data."""
    pagecache.touch(*bloc_users([bloc_id]))


def _membership(membership: Membership) -> list[str]:
    # Both sides: after a delete the unit is no longer found through the bloc.
    return [*bloc_users([membership.bloc_id]), *unit_users(membership.unit_id)]


def _person(person: Person) -> list[str]:
    return [user_scope(person.user_id), *unit_users(person.unit_id)]  # the leader's list of officers


def _user(user) -> list[str]:
    # The leader's home lists each member's officers with their last sign-in.
    unit_ids = Person.objects.filter(user_id=user.pk, unit__isnull=False).values_list("unit_id", flat=True)
    return [scope for unit_id in unit_ids for scope in unit_users(unit_id)]


def register() -> None:
    from core.models import User

    pagecache.track(Province, lambda province: [GLOBAL])
    pagecache.track(Bloc, lambda bloc: bloc_users([bloc.pk]))
    pagecache.track(Unit, lambda unit: unit_users(unit.pk))
    pagecache.track(Membership, _membership, old=True)
    pagecache.track(EmulationYear, lambda year: bloc_users([year.bloc_id]))
    pagecache.track(Deadline, lambda deadline: year_users(deadline.year_id))
    pagecache.track(Person, _person, old=True)
    pagecache.track(User, _user)
