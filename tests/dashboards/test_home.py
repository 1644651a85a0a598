"""Home pages: what the officer, the leader and the board see, and that it costs the same at any size."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from blocs.enums import Audience, DeadlineKind
from tests.factories import (
    BlocFactory,
    DeadlineFactory,
    EmulationYearFactory,
    MembershipFactory,
    ProvinceFactory,
    UnitFactory,
    officer_of,
)

HOME = reverse("dashboards:home")


def days_left_vi(n: int) -> str:
    with translation.override("vi"):
        return ngettext("%(n)d day left", "%(n)d days left", n) % {"n": n}


def overdue_vi(n: int) -> str:
    with translation.override("vi"):
        return ngettext("Overdue by %(n)d day", "Overdue by %(n)d days", n) % {"n": n}


def in_days(n: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


@pytest.fixture
def calendar(world):
    """Deadlines of 2020 for different audiences, due in 10, 3 and -2 days."""
    year = world.year
    rows = [
        ("Báo cáo tổng kết", Audience.MEMBERS, None, 10),
        ("Tự chấm điểm", Audience.MEMBERS, None, -2),
        ("Tổng hợp kết quả của Khối", Audience.LEADER, None, 3),
        ("Bổ sung hồ sơ", Audience.UNIT, world.member_unit, 3),
        ("Giải trình số liệu", Audience.UNIT, world.deputy_unit, 4),
        ("Kế hoạch năm sau", Audience.NEXT_LEADER, None, 6),
    ]
    for title, audience, unit, days in rows:
        DeadlineFactory(
            year=year,
            kind=DeadlineKind.OTHER,
            title=title,
            audience=audience,
            unit=unit,
            opens_at=in_days(days - 20),
            due_at=in_days(days),
        )
    return world


# --- officers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "titles"),
    [
        ("member", ["Tự chấm điểm", "Bổ sung hồ sơ", "Báo cáo tổng kết"]),
        ("leader", ["Tự chấm điểm", "Tổng hợp kết quả của Khối", "Báo cáo tổng kết"]),
        # before 2021 opens, the deputy is the proposed next leader
        ("deputy", ["Tự chấm điểm", "Giải trình số liệu", "Kế hoạch năm sau", "Báo cáo tổng kết"]),
        ("outsider", []),
    ],
)
def test_officer_home_lists_the_units_deadlines(calendar, client_as, role, titles):
    response = client_as(calendar.user(role)).get(HOME)

    items = response.context["items"]
    assert [[d.title for d in item.deadlines] for item in items if item.year == calendar.year] == (
        [titles] if titles else []
    )
    html = response.content.decode()
    assert [title for title in titles if title not in html] == []


def test_officer_home_shows_days_left_and_what_is_next(calendar, client_as):
    response = client_as(calendar.member).get(HOME)

    (item,) = response.context["items"]
    assert (item.role, item.next_deadline.title) == ("member", "Bổ sung hồ sơ")
    html = response.content.decode()
    assert days_left_vi(10) in html
    assert days_left_vi(3) in html
    assert overdue_vi(2) in html
    assert "Giải trình số liệu" not in html  # another unit's deadline
    assert "Tổng hợp kết quả của Khối" not in html  # the leader's


def test_the_days_left_text_in_english(calendar, client_as):
    calendar.member.language = "en"
    calendar.member.save()

    html = client_as(calendar.member).get(HOME).content.decode()

    texts = ["10 days left", "3 days left", "Overdue by 2 days"]
    assert [text for text in texts if text in html] == texts


def test_officer_home_without_a_calendar(world, client_as):
    response = client_as(world.member).get(HOME)

    (item,) = response.context["items"]
    assert (item.deadlines, item.next_deadline, item.members) == ([], None, None)


def test_home_of_a_unit_that_left_the_bloc(world, client_as):
    from blocs.models import Membership

    Membership.objects.filter(unit=world.member_unit).update(end_year=2019)

    response = client_as(world.member).get(HOME)

    assert response.context["items"] == []


def test_leader_home_shows_the_members_table(world, client_as):
    response = client_as(world.leader).get(HOME)

    (item,) = response.context["items"]
    expected = sorted([world.leader_unit, world.deputy_unit, world.member_unit], key=lambda u: u.name)
    assert (item.role, item.members) == ("leader", expected)
    html = response.content.decode()
    for user in (world.leader, world.deputy, world.member):
        assert user.full_name in html
    assert world.outsider.full_name not in html


@pytest.mark.parametrize("role", ["member", "deputy"])
def test_only_the_leader_sees_the_members_table(world, client_as, role):
    response = client_as(world.user(role)).get(HOME)

    assert [item.members for item in response.context["items"]] == [None]


def test_home_for_an_account_with_no_person(world, client_as):
    response = client_as(world.admin).get(HOME)

    assert response.status_code == 200
    assert response.templates[0].name == "dashboards/home_none.html"


# --- the board -------------------------------------------------------------------------------------------


def test_board_home_lists_the_provinces_blocs_only(world, client_as):
    elsewhere = ProvinceFactory(name="Hà Giang", code="HG")
    BlocFactory(province=elsewhere, name="Khối của tỉnh khác")

    response = client_as(world.board).get(HOME)

    rows = response.context["rows"]
    expected_blocs = sorted(world.bloc.province.blocs.all(), key=lambda b: b.name)
    assert [row["bloc"] for row in rows] == expected_blocs
    assert [(row["bloc"].slug, row["current"]) for row in rows] == [
        (b.slug, world.year if b == world.bloc else None) for b in expected_blocs
    ]
    assert "Khối của tỉnh khác" not in response.content.decode()


def test_other_board_sees_none_of_these_blocs(world, client_as):
    response = client_as(world.other_board).get(HOME)

    assert response.context["rows"] == []
    assert world.bloc.name not in response.content.decode()


def test_board_home_shows_the_latest_year(world, client_as):
    later = EmulationYearFactory(bloc=world.bloc, year=2021, leader=world.deputy_unit, deputy=world.member_unit)

    rows = client_as(world.board).get(HOME).context["rows"]

    row = next(r for r in rows if r["bloc"] == world.bloc)
    assert (row["current"], row["years"]) == (later, [later, world.year])


@pytest.mark.parametrize(
    ("start_year", "end_year", "members_in_2020"),
    [
        pytest.param(2019, None, 4, id="open-ended-member"),
        pytest.param(2019, 2020, 4, id="member-until-the-end-of-2020"),
        pytest.param(2019, 2025, 4, id="member-until-2025"),
        pytest.param(2015, 2019, 3, id="left-in-2019"),
        pytest.param(2022, None, 3, id="joins-in-2022"),
    ],
)
def test_board_home_counts_the_members_of_the_current_year(world, client_as, start_year, end_year, members_in_2020):
    """The members column stands next to the current year (2020): it counts the units that are members
    in 2020. The world's bloc has 3 open-ended members; a fourth unit is added with the given period."""
    unit = UnitFactory(province=world.bloc.province)
    MembershipFactory(bloc=world.bloc, unit=unit, start_year=start_year, end_year=end_year)

    rows = client_as(world.board).get(HOME).context["rows"]

    row = next(r for r in rows if r["bloc"] == world.bloc)
    assert row["members"] == members_in_2020


# --- query counts: the same literal budget at both sizes -------------------------------------------------

BOARD_HOME_QUERIES = 7
LEADER_HOME_QUERIES = 13


@pytest.mark.parametrize("n", [1, 15])
def test_board_home_query_count(db, client_as, django_assert_max_num_queries, n):
    from tests.factories import board_of

    province = ProvinceFactory(name="Tuyên Quang", code="TQ")
    for _ in range(n):
        bloc = BlocFactory(province=province)
        units = [UnitFactory(province=province) for _ in range(3)]
        for unit in units:
            MembershipFactory(bloc=bloc, unit=unit)
        EmulationYearFactory(bloc=bloc, year=2019, leader=units[1], deputy=units[2])
        EmulationYearFactory(bloc=bloc, year=2020, leader=units[0], deputy=units[1])
    client = client_as(board_of(province))

    with django_assert_max_num_queries(BOARD_HOME_QUERIES):
        response = client.get(HOME)

    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [3, 20])
def test_leader_home_query_count(world, client_as, django_assert_max_num_queries, n):
    for _ in range(n - 3):
        unit = UnitFactory(province=world.bloc.province)
        MembershipFactory(bloc=world.bloc, unit=unit)
        officer_of(unit)
    for _ in range(n):
        DeadlineFactory(year=world.year)
    client = client_as(world.leader)

    with django_assert_max_num_queries(LEADER_HOME_QUERIES):
        response = client.get(HOME)

    (item,) = response.context["items"]
    assert (len(item.members), len(item.deadlines)) == (n, n)
