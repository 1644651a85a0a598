"""Reads of the blocs app that compute: members of a year, the rotation's proposal, calendars."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Bloc, EmulationYear, Membership, Person, Unit


def memberships_in_year(*, year: int) -> Q:
    return Q(start_year__lte=year) & (Q(end_year__isnull=True) | Q(end_year__gte=year))


def members_in_year(*, bloc: Bloc, year: int) -> QuerySet[Unit]:
    unit_ids = Membership.objects.filter(memberships_in_year(year=year), bloc=bloc).values("unit_id")
    return Unit.objects.filter(pk__in=unit_ids).order_by("name")


def next_leaders_from_rotation(*, current: EmulationYear) -> tuple[Unit | None, Unit | None]:
    """Leader and deputy for year N+1: the units after year N's leader in the rotation order,
    skipping those that are no longer members in N+1 (the deputy is the one after the leader)."""
    return _leaders_from_rotation(bloc=current.bloc, year=current.year + 1, after=current.leader_id)


def _leaders_from_rotation(*, bloc: Bloc, year: int, after: int | None) -> tuple[Unit | None, Unit | None]:
    """The first two members of `year` in the rotation order, starting after the unit `after` (from the top when
    None or not in the order)."""
    order = [slot.unit for slot in bloc.rotation.select_related("unit").order_by("position")]
    if not order:
        return None, None
    members = {u.pk for u in members_in_year(bloc=bloc, year=year)}
    ids = [u.pk for u in order]
    start = ids.index(after) + 1 if after in ids else 0
    cycle = order[start:] + order[:start]
    candidates = [u for u in cycle if u.pk in members]
    leader = candidates[0] if candidates else None
    deputy = candidates[1] if len(candidates) > 1 else None
    return leader, deputy


def current_year(*, bloc: Bloc) -> EmulationYear | None:
    """The year the bloc works on now: the latest year, whatever its phase."""
    return bloc.years.select_related("leader", "deputy").order_by("-year").first()


def blocs_for_board(*, province_id: int) -> list[Bloc]:
    """Every bloc of the province with its years (leader, deputy) loaded in a fixed number of queries."""
    years = EmulationYear.objects.select_related("leader", "deputy").order_by("-year")
    return list(
        Bloc.objects.filter(province_id=province_id)
        .prefetch_related(Prefetch("years", queryset=years))
        .order_by("name")
    )


def bloc_members_detail(*, bloc: Bloc) -> list[Membership]:
    return list(bloc.memberships.select_related("unit").order_by("unit__name", "start_year"))


def year_members_with_officers(*, year: EmulationYear) -> list[Unit]:
    """Members of a year with their officers, for the leader's view."""
    officers = Person.objects.select_related("user").order_by("user__full_name")
    return list(
        members_in_year(bloc=year.bloc, year=year.year).prefetch_related(Prefetch("officers", queryset=officers))
    )


def first_year_proposal(*, bloc: Bloc) -> dict:
    """What the "open a year" form proposes: this year and the rotation's first two members for a new bloc; else
    the year after the latest, with the leaders the rotation proposes after its leader (as "open next" does)."""
    latest = current_year(bloc=bloc)
    if latest is None:
        year = timezone.localdate().year
        leader, deputy = _leaders_from_rotation(bloc=bloc, year=year, after=None)
    else:
        year = latest.year + 1
        leader, deputy = next_leaders_from_rotation(current=latest)
    return {"year": year, "leader": leader, "deputy": deputy}
