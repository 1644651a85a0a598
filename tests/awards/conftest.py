"""Fixtures of the awards tests: the demo bloc of Tuyên Quang with its published 2020 ranking (eight member
units, Thanh tra tỉnh leading, the rotation proposing Công an tỉnh for 2021)."""

from dataclasses import dataclass

import pytest

from blocs import demo as blocs_demo
from blocs.models import EmulationYear, Person, Unit
from core.models import User
from scoring import demo as scoring_demo


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    default = {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path / "private")}}
    settings.STORAGES = {**settings.STORAGES, "default": default}


@dataclass
class Bloc2020:
    year: EmulationYear
    units: dict[str, Unit]  # by document code: TTr, CAT, TA, VKS, STP, CTHADS, BCHQS, BNCTU
    officers: dict[str, User]  # by the same codes
    board: User
    outsider: User  # an officer of a unit of another bloc

    @property
    def leader(self) -> User:
        return self.officers["TTr"]


@pytest.fixture
def bloc2020(db) -> Bloc2020:
    blocs_demo.seed()
    scoring_demo.seed()
    year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(bloc__slug="ktdnc", year=2020)
    units = {u.code: u for u in Unit.objects.filter(memberships__bloc=year.bloc)}
    officers = {}
    for person in Person.objects.filter(unit__in=units.values()).select_related("user", "unit").order_by("pk"):
        officers.setdefault(person.unit.code, person.user)
    board = Person.objects.filter(board_province=year.bloc.province).select_related("user").first().user
    outsider = (
        Person.objects.filter(unit__isnull=False).exclude(unit__in=units.values()).select_related("user").first().user
    )
    return Bloc2020(year=year, units=units, officers=officers, board=board, outsider=outsider)
