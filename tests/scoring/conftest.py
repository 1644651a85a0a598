"""Fixtures of the scoring tests: the conftest world with a criteria table and an open self-assessment."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from blocs.enums import DeadlineKind
from blocs.models import Deadline
from scoring.models import CriteriaTable, Criterion
from tests.factories import DeadlineFactory

from .helpers import criteria, make_table


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Evidence files go to a private storage of the test's own."""
    default = {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path / "private")}}
    settings.STORAGES = {**settings.STORAGES, "default": default}


@dataclass
class ScoredWorld:
    """The conftest world, its 2020 criteria table (helpers.TABLE) and an open self-assessment deadline."""

    world: object
    table: CriteriaTable
    deadline: Deadline
    c: dict[str, Criterion]  # the criteria by code

    def __getattr__(self, name):
        return getattr(self.world, name)


@pytest.fixture
def scored_world(world) -> ScoredWorld:
    table = make_table(world.year)
    now = timezone.now()
    deadline = DeadlineFactory(
        year=world.year,
        kind=DeadlineKind.SELF_ASSESSMENT,
        title="Tự chấm điểm các tiêu chí thi đua năm 2020",
        opens_at=now - datetime.timedelta(days=5),
        due_at=now + datetime.timedelta(days=10),
    )
    return ScoredWorld(world=world, table=table, deadline=deadline, c=criteria(world.year))
