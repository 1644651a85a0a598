"""What each role's home page shows, read in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from blocs.models import Bloc, Deadline, EmulationYear, Membership, Person, Unit
from blocs.selectors import deadlines_applying_to, members_in_year, memberships_in_year, next_action


@dataclass
class UnitYear:
    """One bloc-year as one unit sees it."""

    year: EmulationYear
    role: str  # "leader" | "deputy" | "member"
    deadlines: list[Deadline]
    next_deadline: Deadline | None
    members: list[Unit] | None = None  # filled for the leader


def officer_home(*, unit: Unit) -> list[UnitYear]:
    bloc_ids = list(Membership.objects.filter(unit=unit).values_list("bloc_id", flat=True).distinct())
    shown: dict[int, list[EmulationYear]] = {}
    for year in (
        EmulationYear.objects.filter(bloc_id__in=bloc_ids)
        .select_related("bloc__province", "leader", "deputy")
        .order_by("bloc_id", "-year")
    ):
        # each bloc's latest year, and an earlier one still open (after the conference, year N's dossier
        # and decisions go on while N+1 has opened)
        years = shown.setdefault(year.bloc_id, [])
        if not years or not year.is_closed:
            years.append(year)
    result = []
    for year in sorted((y for ys in shown.values() for y in ys), key=lambda y: (y.bloc.name, -y.year)):
        if not Membership.objects.filter(memberships_in_year(year=year.year), bloc=year.bloc, unit=unit).exists():
            continue
        role = "leader" if year.leader_id == unit.pk else "deputy" if year.deputy_id == unit.pk else "member"
        deadlines = deadlines_applying_to(year=year, unit=unit)
        item = UnitYear(year=year, role=role, deadlines=deadlines, next_deadline=next_action(deadlines))
        if role == "leader":
            officers = Person.objects.select_related("user").order_by("user__full_name")
            item.members = list(
                members_in_year(bloc=year.bloc, year=year.year).prefetch_related(
                    Prefetch("officers", queryset=officers)
                )
            )
        result.append(item)
    return result


def board_home(*, province_id: int) -> list[dict]:
    """Every bloc of the province with its latest year, leader, deputy, phase and member count."""
    years = EmulationYear.objects.select_related("leader", "deputy").order_by("-year")
    spans = Membership.objects.only("bloc_id", "start_year", "end_year")
    blocs = (
        Bloc.objects.filter(province_id=province_id)
        .prefetch_related(Prefetch("years", queryset=years), Prefetch("memberships", queryset=spans))
        .order_by("name")
    )
    rows = []
    for bloc in blocs:
        all_years = list(bloc.years.all())
        current = all_years[0] if all_years else None
        counted_year = current.year if current else timezone.localdate().year
        members = sum(1 for m in bloc.memberships.all() if m.covers(counted_year))
        rows.append({"bloc": bloc, "current": current, "years": all_years, "members": members})
    return rows
