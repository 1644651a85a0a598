"""The blocs services and the rotation: every refusal saves nothing, and opening a year carries it forward."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from blocs import demo, services
from blocs.enums import Audience, DeadlineKind, LeaderSource, Phase
from blocs.models import Bloc, EmulationYear, LeaderTerm, Membership, RotationSlot
from blocs.selectors import next_leaders_from_rotation
from core.models import AuditLog
from tests.factories import DeadlineFactory, MembershipFactory, UnitFactory


@pytest.fixture(autouse=True)
def english():
    """Assert on the message ids; the Vietnamese wording is checked in test_forms_bad_input."""
    with translation.override("en"):
        yield


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


# --- memberships ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_year", "end_year"),
    [
        pytest.param(2021, None, id="inside-an-open-membership"),
        pytest.param(2010, 2019, id="ending-in-its-first-year"),
        pytest.param(2010, None, id="open-ended-from-before"),
    ],
)
def test_membership_overlap_refused(world, start_year, end_year):
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.membership_add(
            bloc=world.bloc, unit=world.member_unit, start_year=start_year, end_year=end_year, by=world.board
        )

    assert refused.value.message_dict == {
        "start_year": [
            f"{world.member_unit.short_name} is already a member of this bloc for 2019–…; the periods overlap."
        ]
    }
    assert counts() == before


def test_membership_after_an_ended_one_is_accepted(world):
    Membership.objects.filter(bloc=world.bloc, unit=world.member_unit).update(end_year=2020)

    services.membership_add(bloc=world.bloc, unit=world.member_unit, start_year=2022, by=world.board)

    assert list(
        Membership.objects.filter(bloc=world.bloc, unit=world.member_unit)
        .order_by("start_year")
        .values_list("start_year", "end_year")
    ) == [(2019, 2020), (2022, None)]


def test_membership_end_before_start_refused(world):
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.membership_add(
            bloc=world.bloc, unit=world.outsider_unit, start_year=2022, end_year=2021, by=world.board
        )

    assert refused.value.message_dict == {"end_year": ["The last year cannot come before the first year."]}
    assert counts() == before


def test_membership_end_year_before_start_refused(world):
    membership = Membership.objects.get(bloc=world.bloc, unit=world.member_unit)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.membership_end(membership=membership, end_year=2018, by=world.board)

    assert refused.value.message_dict == {"end_year": ["The last year cannot come before the first year."]}
    assert counts() == before
    membership.refresh_from_db()
    assert membership.end_year is None


@pytest.mark.parametrize("role", ["leader", "deputy"])
def test_membership_end_that_would_unseat_a_years_leader_refused(world, role):
    """year_create and year_update keep the leader and deputy members of the bloc in their year;
    ending that membership before the year must not break the same rule from the other side."""
    unit = world.leader_unit if role == "leader" else world.deputy_unit
    membership = Membership.objects.get(bloc=world.bloc, unit=unit)
    before = counts()

    with pytest.raises(ValidationError):
        services.membership_end(membership=membership, end_year=2019, by=world.board)

    membership.refresh_from_db()
    assert (membership.end_year, counts()) == (None, before)


def test_membership_of_another_provinces_unit_refused(world):
    stranger = UnitFactory()  # a unit of a province of its own
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.membership_add(bloc=world.bloc, unit=stranger, start_year=2020, by=world.board)

    assert refused.value.message_dict == {"unit": ["The unit belongs to another province."]}
    assert counts() == before


# --- rotation ---------------------------------------------------------------------------------------------


def test_rotation_with_a_unit_twice_refused(world):
    services.rotation_set(bloc=world.bloc, units=[world.leader_unit, world.deputy_unit], by=world.board)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.rotation_set(
            bloc=world.bloc, units=[world.member_unit, world.deputy_unit, world.member_unit], by=world.board
        )

    assert refused.value.messages == [f"{world.member_unit.short_name} appears twice in the rotation order."]
    assert counts() == before
    assert list(world.bloc.rotation.order_by("position").values_list("unit_id", "position")) == [
        (world.leader_unit.pk, 1),
        (world.deputy_unit.pk, 2),
    ]


def test_rotation_set_replaces_the_order_and_audits(world):
    services.rotation_set(bloc=world.bloc, units=[world.leader_unit, world.deputy_unit], by=world.board)

    services.rotation_set(bloc=world.bloc, units=[world.member_unit, world.leader_unit], by=world.board)

    assert list(world.bloc.rotation.order_by("position").values_list("unit_id", "position")) == [
        (world.member_unit.pk, 1),
        (world.leader_unit.pk, 2),
    ]
    assert list(AuditLog.objects.filter(action="blocs.rotation.set").order_by("id").values_list("data", flat=True)) == [
        {"old": [], "new": [world.leader_unit.pk, world.deputy_unit.pk]},
        {"old": [world.leader_unit.pk, world.deputy_unit.pk], "new": [world.member_unit.pk, world.leader_unit.pk]},
    ]


# --- years ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "deputy"])
def test_year_create_with_a_non_member_refused(world, role):
    former = UnitFactory(province=world.bloc.province)
    MembershipFactory(bloc=world.bloc, unit=former, start_year=2015, end_year=2020)
    units = {"leader": world.leader_unit, "deputy": world.deputy_unit, role: former}
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.year_create(bloc=world.bloc, year=2021, by=world.board, **units)

    assert refused.value.message_dict == {role: [f"{former.short_name} is not a member of the bloc in 2021."]}
    assert counts() == before


def test_year_create_with_a_unit_of_another_bloc_refused(world):
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.year_create(bloc=world.bloc, year=2021, leader=world.outsider_unit, deputy=None, by=world.board)

    assert refused.value.message_dict == {
        "leader": [f"{world.outsider_unit.short_name} is not a member of the bloc in 2021."]
    }
    assert counts() == before


def test_second_year_with_the_same_number_refused(world):
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.year_create(
            bloc=world.bloc, year=2020, leader=world.member_unit, deputy=world.deputy_unit, by=world.board
        )

    assert refused.value.message_dict == {"year": ["The bloc already has the year 2020."]}
    assert counts() == before


def test_leader_equal_to_deputy_refused(world):
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.year_create(
            bloc=world.bloc, year=2021, leader=world.member_unit, deputy=world.member_unit, by=world.board
        )

    assert refused.value.message_dict == {"deputy": ["The deputy leader unit must differ from the leader unit."]}
    assert counts() == before


def test_year_update_to_leader_equal_to_deputy_refused(world):
    before = counts()

    with pytest.raises(ValidationError):
        services.year_update(
            emulation_year=world.year,
            leader=world.deputy_unit,
            deputy=world.deputy_unit,
            phase=Phase.REVIEW,
            by=world.board,
        )

    assert counts() == before
    world.year.refresh_from_db()
    assert (world.year.leader_id, world.year.deputy_id, world.year.phase) == (
        world.leader_unit.pk,
        world.deputy_unit.pk,
        Phase.SELF_ASSESSMENT,
    )


def test_year_create_records_history_and_audit(world):
    created = services.year_create(
        bloc=world.bloc, year=2021, leader=world.deputy_unit, deputy=world.member_unit, by=world.board
    )

    assert (created.year, created.leader, created.deputy, created.phase) == (
        2021,
        world.deputy_unit,
        world.member_unit,
        Phase.LAUNCH,
    )
    assert list(LeaderTerm.objects.filter(bloc=world.bloc).values_list("year", "leader", "deputy", "source")) == [
        (2021, world.deputy_unit.pk, world.member_unit.pk, LeaderSource.SETUP)
    ]
    assert list(AuditLog.objects.values_list("action", "target_id", "data")) == [
        ("blocs.year.created", str(created.pk), {"leader": world.deputy_unit.pk, "deputy": world.member_unit.pk})
    ]


def test_services_check_rights(world):
    before = counts()

    with pytest.raises(PermissionDenied):
        services.year_create(bloc=world.bloc, year=2021, leader=world.deputy_unit, deputy=None, by=world.leader)
    with pytest.raises(Http404):  # another province's board may not know the bloc exists
        services.membership_add(bloc=world.bloc, unit=world.outsider_unit, start_year=2020, by=world.other_board)

    assert counts() == before


# --- the rotation's proposal ------------------------------------------------------------------------------


@pytest.fixture
def rotation_world(world):
    """Rotation A, B, C, D, E where C leads 2020; D left the bloc at the end of 2020."""
    province = world.bloc.province
    a, b, c = world.leader_unit, world.deputy_unit, world.member_unit
    d, e = UnitFactory(province=province), UnitFactory(province=province)
    MembershipFactory(bloc=world.bloc, unit=d, start_year=2019, end_year=2020)
    MembershipFactory(bloc=world.bloc, unit=e, start_year=2019)
    services.rotation_set(bloc=world.bloc, units=[a, b, c, d, e], by=world.board)
    EmulationYear.objects.filter(pk=world.year.pk).update(leader=c, deputy=d)
    world.year.refresh_from_db()
    return world, SimpleNamespace(a=a, b=b, c=c, d=d, e=e)


def test_next_leaders_skip_a_unit_that_is_no_longer_a_member(rotation_world):
    world, u = rotation_world

    assert next_leaders_from_rotation(current=world.year) == (u.e, u.a)


def test_next_leaders_wrap_around(rotation_world):
    world, u = rotation_world
    EmulationYear.objects.filter(pk=world.year.pk).update(leader=u.e, deputy=u.a)
    world.year.refresh_from_db()

    assert next_leaders_from_rotation(current=world.year) == (u.a, u.b)


def test_next_leaders_wrap_around_past_a_former_member(rotation_world):
    world, u = rotation_world
    Membership.objects.filter(bloc=world.bloc, unit=u.e).update(end_year=2020)
    Membership.objects.filter(bloc=world.bloc, unit=u.a).update(end_year=2020)

    # After C: D and E have left, A has left: B, then C itself.
    assert next_leaders_from_rotation(current=world.year) == (u.b, u.c)


def test_next_leaders_when_the_leader_is_not_in_the_rotation(rotation_world):
    world, u = rotation_world
    services.rotation_set(bloc=world.bloc, units=[u.b, u.a], by=world.board)

    assert next_leaders_from_rotation(current=world.year) == (u.b, u.a)


def test_next_leaders_without_a_rotation(world):
    assert next_leaders_from_rotation(current=world.year) == (None, None)


# --- opening the next year --------------------------------------------------------------------------------


@pytest.fixture
def calendar_2020(world):
    """A small 2020 calendar, with a 29 February and a deadline of a unit that leaves after 2020."""
    leaving = UnitFactory(province=world.bloc.province)
    MembershipFactory(bloc=world.bloc, unit=leaving, start_year=2019, end_year=2020)
    rows = [
        (DeadlineKind.LAUNCH_PLAN, Audience.MEMBERS, None, local(2020, 2, 1, 8, 0), local(2020, 2, 29, 17, 0)),
        (DeadlineKind.YEAR_REPORT, Audience.MEMBERS, None, local(2020, 9, 28), local(2020, 10, 19, 23, 59)),
        (DeadlineKind.COMPILE, Audience.LEADER, None, None, local(2020, 10, 24, 23, 59)),
        (DeadlineKind.OTHER, Audience.UNIT, world.member_unit, None, local(2020, 10, 30, 12, 0)),
        (DeadlineKind.OTHER, Audience.UNIT, leaving, None, local(2020, 10, 31, 12, 0)),
        (DeadlineKind.CONFERENCE, Audience.MEMBERS, None, None, local(2020, 11, 5, 14, 30)),
    ]
    for kind, audience, unit, opens_at, due_at in rows:
        DeadlineFactory(
            year=world.year,
            kind=kind,
            title=f"{kind} năm 2020",
            audience=audience,
            unit=unit,
            opens_at=opens_at,
            due_at=due_at,
        )
    return world


def test_year_open_next_follows_the_rotation(calendar_2020):
    world = calendar_2020
    services.rotation_set(
        bloc=world.bloc, units=[world.leader_unit, world.deputy_unit, world.member_unit], by=world.board
    )
    world.year.settings_override = {"flag_quota": 2}
    world.year.save()
    audit_before = AuditLog.objects.count()

    opened = services.year_open_next(current=world.year, by=world.board)

    opened.refresh_from_db()
    assert (opened.bloc, opened.year, opened.leader, opened.deputy, opened.phase, opened.settings_override) == (
        world.bloc,
        2021,
        world.deputy_unit,
        world.member_unit,
        Phase.LAUNCH,
        {"flag_quota": 2},
    )
    assert list(
        LeaderTerm.objects.filter(bloc=world.bloc, year=2021).values_list("leader", "deputy", "source", "recorded_by")
    ) == [(world.deputy_unit.pk, world.member_unit.pk, LeaderSource.ROTATION, world.board.pk)]
    assert list(
        opened.deadlines.order_by("due_at").values_list("kind", "audience", "unit", "opens_at", "due_at", "title")
    ) == [
        (
            DeadlineKind.LAUNCH_PLAN,
            Audience.MEMBERS,
            None,
            local(2021, 2, 1, 8, 0),
            local(2021, 2, 28, 17, 0),  # no 29 February in 2021
            "launch_plan năm 2021",
        ),
        (
            DeadlineKind.YEAR_REPORT,
            Audience.MEMBERS,
            None,
            local(2021, 9, 28),
            local(2021, 10, 19, 23, 59),
            "year_report năm 2021",
        ),
        (DeadlineKind.COMPILE, Audience.LEADER, None, None, local(2021, 10, 24, 23, 59), "compile năm 2021"),
        (DeadlineKind.OTHER, Audience.UNIT, world.member_unit.pk, None, local(2021, 10, 30, 12, 0), "other năm 2021"),
        # the unit that left after 2020 has no deadline in 2021
        (DeadlineKind.CONFERENCE, Audience.MEMBERS, None, None, local(2021, 11, 5, 14, 30), "conference năm 2021"),
    ]
    assert list(AuditLog.objects.order_by("id").values_list("action", "target_type", "target_id", "data"))[
        audit_before:
    ] == [
        (
            "blocs.year.created",
            "blocs.emulationyear",
            str(opened.pk),
            {"leader": world.deputy_unit.pk, "deputy": world.member_unit.pk},
        ),
        ("blocs.year.opened_next", "blocs.emulationyear", str(opened.pk), {"previous": world.year.pk}),
    ]
    # year N is left as it was
    assert world.year.deadlines.count() == 6


def test_year_open_next_compares_whole_calendars(calendar_2020):
    """The (kind, due_at) list of N+1 is N's list moved one year, minus the departed unit's deadline."""
    world = calendar_2020
    services.rotation_set(bloc=world.bloc, units=[world.leader_unit, world.deputy_unit], by=world.board)

    opened = services.year_open_next(current=world.year, by=world.board)

    def moved(moment):
        moment = timezone.localtime(moment)
        return moment.replace(year=2021, day=28) if (moment.month, moment.day) == (2, 29) else moment.replace(year=2021)

    expected = [
        (d.kind, moved(d.due_at))
        for d in world.year.deadlines.order_by("due_at")
        if d.unit is None or d.unit == world.member_unit
    ]
    assert list(opened.deadlines.order_by("due_at").values_list("kind", "due_at")) == expected


def test_year_open_next_without_copying_the_calendar(calendar_2020):
    world = calendar_2020
    services.rotation_set(bloc=world.bloc, units=[world.leader_unit, world.deputy_unit], by=world.board)

    opened = services.year_open_next(current=world.year, by=world.board, copy_calendar=False)

    assert list(opened.deadlines.all()) == []


def test_year_open_next_with_the_boards_choice(world):
    services.rotation_set(bloc=world.bloc, units=[world.leader_unit, world.deputy_unit], by=world.board)

    opened = services.year_open_next(
        current=world.year,
        by=world.board,
        leader=world.member_unit,
        deputy=None,
        source=LeaderSource.OVERRIDE,
        note="Hội nghị bầu",
    )

    assert (opened.leader, opened.deputy) == (world.member_unit, None)
    assert list(LeaderTerm.objects.filter(year=2021).values_list("leader", "deputy", "source", "note")) == [
        (world.member_unit.pk, None, LeaderSource.OVERRIDE, "Hội nghị bầu")
    ]


def test_year_open_next_without_a_rotation_refused(world):
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.year_open_next(current=world.year, by=world.board)

    assert refused.value.messages == ["The rotation proposes no leader: set the rotation order or choose a leader."]
    assert counts() == before


def test_year_open_next_twice_refused(world):
    services.rotation_set(bloc=world.bloc, units=[world.leader_unit, world.deputy_unit], by=world.board)
    services.year_open_next(current=world.year, by=world.board)
    before = counts()

    with pytest.raises(ValidationError) as refused:
        services.year_open_next(current=world.year, by=world.board)

    assert refused.value.message_dict == {"year": ["The bloc already has the year 2021."]}
    assert counts() == before


# --- the demo ---------------------------------------------------------------------------------------------


@pytest.fixture
def seeded(db):
    demo.seed()
    return EmulationYear.objects.select_related("bloc").get(bloc__slug="ktdnc", year=2020)


def test_demo_rotation_proposes_the_provincial_police(seeded):
    leader, deputy = next_leaders_from_rotation(current=seeded)

    assert (leader.code, leader.short_name) == ("CAT", "Công an tỉnh")
    assert deputy.code == "TA"


def test_demo_seed_is_idempotent(seeded):
    once = counts()

    demo.seed()

    assert counts() == once
    assert once["blocs.Bloc"] == 2
    assert once["blocs.Deadline"] == 7 + 3
    assert list(RotationSlot.objects.filter(bloc__slug="ktdnc").values_list("unit__code", flat=True)) == [
        "TTr",
        "CAT",
        "TA",
        "VKS",
        "STP",
        "CTHADS",
        "BCHQS",
        "BNCTU",
    ]


def test_demo_seed_restores_edited_records(seeded):
    EmulationYear.objects.filter(pk=seeded.pk).update(phase=Phase.CLOSED)
    Bloc.objects.filter(slug="ktdnc").update(name="Đổi tên")

    demo.seed()

    seeded.refresh_from_db()
    assert (seeded.phase, seeded.bloc.name) == (Phase.SELF_ASSESSMENT, "Khối thi đua Nội chính tỉnh Tuyên Quang")


def shift_years(text: str) -> str:
    return re.sub(r"\b(20\d\d)\b", lambda m: str(int(m.group(1)) + 1), text)


@pytest.fixture
def demo_2021(seeded):
    board = get_user_model().objects.get(username=demo.BOARD_USER[0])
    return services.year_open_next(current=seeded, by=board)


def demo_calendar_sorted() -> list[dict]:
    return sorted(demo.calendar_2020(), key=lambda item: (item["due_at"], item["kind"]))


def test_demo_next_year_titles_move_every_year(demo_2021):
    """2021's titles speak of 2021, and of 2022 where 2020's spoke of 2021 (the plan for the year after);
    a plain replace of "2020" by "2021" turns "năm 2020, phương hướng nhiệm vụ năm 2021" into "năm 2021, …
    năm 2021"."""
    got = list(demo_2021.deadlines.order_by("due_at", "kind").values_list("kind", "title"))

    assert got == [(item["kind"], shift_years(item["title"])) for item in demo_calendar_sorted()]


def test_demo_next_year_descriptions_move_their_dates(demo_2021):
    """The descriptions carry the dates too ("trước ngày 20/10/2020"); in 2021 they must say 2021."""
    got = list(demo_2021.deadlines.order_by("due_at", "kind").values_list("kind", "description"))

    assert got == [(item["kind"], shift_years(item["description"])) for item in demo_calendar_sorted()]


def test_year_settings_keep_only_what_differs_from_the_bloc(world):
    from blocs.forms import BlocSettingsForm
    from blocs.services import year_settings_set

    initial = BlocSettingsForm.initial_for(world.year)
    form = BlocSettingsForm(
        {
            **{k: v for k, v in initial.items() if not isinstance(v, bool)},
            **{k: "on" for k, v in initial.items() if v is True},
            "bonus_cap": "7",
        }
    )
    assert form.is_valid(), form.errors

    year_settings_set(emulation_year=world.year, values=form.to_settings(), by=world.board)

    world.year.refresh_from_db()
    assert world.year.settings_override == {"bonus_cap": 7.0}
    assert world.year.setting("bonus_cap") == 7.0
    assert world.bloc.setting("bonus_cap") == 5
