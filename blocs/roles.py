"""Facts about a user that rights are derived from: their unit, their board, their unit's memberships.

Loaded once per request and cached on the user object, so asking many questions costs two queries.
Leader and deputy are never stored on a person: they follow the emulation year.
"""

from dataclasses import dataclass, field
from typing import Any

from .models import EmulationYear, Membership, Person

_CACHE_ATTR = "_ktd_facts"


@dataclass(frozen=True)
class Facts:
    person: Person | None = None
    unit_id: int | None = None
    board_province_id: int | None = None
    # bloc id -> list of (start_year, end_year or None) for the user's unit
    memberships: dict[int, list[tuple[int, int | None]]] = field(default_factory=dict)

    @property
    def is_board(self) -> bool:
        return self.board_province_id is not None

    @property
    def is_officer(self) -> bool:
        return self.unit_id is not None

    def is_member(self, bloc_id: int, year: int | None = None) -> bool:
        spans = self.memberships.get(bloc_id, ())
        if year is None:
            return bool(spans)
        return any(start <= year and (end is None or year <= end) for start, end in spans)


def facts(user: Any) -> Facts:
    if user is None or not user.is_authenticated:
        return Facts()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    person = Person.objects.filter(user=user).select_related("unit", "board_province").first()
    memberships: dict[int, list[tuple[int, int | None]]] = {}
    if person is not None and person.unit_id is not None:
        for bloc_id, start, end in Membership.objects.filter(unit_id=person.unit_id).values_list(
            "bloc_id", "start_year", "end_year"
        ):
            memberships.setdefault(bloc_id, []).append((start, end))
    result = Facts(
        person=person,
        unit_id=person.unit_id if person else None,
        board_province_id=person.board_province_id if person else None,
        memberships=memberships,
    )
    setattr(user, _CACHE_ATTR, result)
    return result


def forget(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_board_of(user: Any, province_id: int) -> bool:
    return facts(user).board_province_id == province_id


def is_leader(user: Any, year: EmulationYear) -> bool:
    unit_id = facts(user).unit_id
    return unit_id is not None and year.leader_id == unit_id


def is_deputy(user: Any, year: EmulationYear) -> bool:
    unit_id = facts(user).unit_id
    return unit_id is not None and year.deputy_id == unit_id


def is_member(user: Any, year: EmulationYear) -> bool:
    return facts(user).is_member(year.bloc_id, year.year)
