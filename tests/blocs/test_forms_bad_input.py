"""Wrong input typed by the board: the page comes back with a clear message, keeps what was typed, saves nothing."""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tests.factories import MembershipFactory, UnitFactory


def vi(msgid: str) -> str:
    """The Vietnamese wording of a message (the msgid itself until the translation lands)."""
    with translation.override("vi"):
        return gettext(msgid)


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


@pytest.fixture
def board(world, client_as):
    return client_as(world.board)


@pytest.fixture
def former_member(world):
    """A unit that was a member 2015–2020: offered by the year forms, but not a member in 2021."""
    unit = UnitFactory(province=world.bloc.province, short_name="Sở cũ")
    MembershipFactory(bloc=world.bloc, unit=unit, start_year=2015, end_year=2020)
    return unit


def post_refused(client, url: str, data: dict):
    """POST, and check the common part: the form page again, with errors, and nothing saved."""
    before = counts()

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert counts() == before
    return response


def typed(response, field: str):
    return response.context["form"][field].value()


def shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


# --- blocs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ktđnc", "KTĐNC", " Ktđnc "])
def test_bloc_code_taken_whatever_the_case(world, board, code):
    data = {"name": "Khối thi đua mới", "short_name": "Khối mới", "code": code, "is_active": "on"}

    response = post_refused(board, reverse("blocs:bloc-create"), data)

    errors = response.context["form"].errors
    assert list(errors) == ["code"]
    assert (typed(response, "name"), typed(response, "code")) == ("Khối thi đua mới", code)
    assert 'value="Khối thi đua mới"' in response.content.decode()
    message = vi("The code “%(code)s” is already used by %(bloc)s.") % {"code": "KTĐNC", "bloc": world.bloc.name}
    assert errors["code"] == [message]
    assert shows(response, message)


# --- years -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "deputy"])
def test_year_with_a_leader_or_deputy_not_member(world, board, former_member, role):
    units = {"leader": world.member_unit.pk, "deputy": world.deputy_unit.pk, role: former_member.pk}

    response = post_refused(board, reverse("blocs:year-create", kwargs={"slug": "ktdnc"}), {"year": "2021", **units})

    errors = response.context["form"].errors
    assert list(errors) == [role]
    assert (typed(response, "year"), typed(response, "leader"), typed(response, "deputy")) == (
        "2021",
        str(units["leader"]),
        str(units["deputy"]),
    )
    message = vi("%(unit)s is not a member of the bloc in %(year)s.") % {"unit": "Sở cũ", "year": 2021}
    assert errors[role] == [message]
    assert shows(response, message)


def test_second_year_with_the_same_number(world, board):
    data = {"year": "2020", "leader": world.member_unit.pk, "deputy": world.deputy_unit.pk}

    response = post_refused(board, reverse("blocs:year-create", kwargs={"slug": "ktdnc"}), data)

    errors = response.context["form"].errors
    assert list(errors) == ["year"]
    assert typed(response, "year") == "2020"
    message = vi("The bloc already has the year %(year)s.") % {"year": 2020}
    assert errors["year"] == [message]
    assert shows(response, message)


def test_year_edit_with_leader_equal_to_deputy(world, board):
    data = {"leader": world.deputy_unit.pk, "deputy": world.deputy_unit.pk, "phase": "review", "note": "Lý do"}

    response = post_refused(board, reverse("blocs:year-edit", kwargs={"slug": "ktdnc", "year": 2020}), data)

    errors = response.context["form"].errors
    assert list(errors) == ["deputy"]
    assert (typed(response, "phase"), typed(response, "note")) == ("review", "Lý do")
    message = vi("The deputy leader unit must differ from the leader unit.")
    assert errors["deputy"] == [message]


# --- rotation ----------------------------------------------------------------------------------------------


def test_rotation_with_a_unit_twice(world, board):
    data = {"place_1": world.leader_unit.pk, "place_2": world.member_unit.pk, "place_3": world.leader_unit.pk}

    response = post_refused(board, reverse("blocs:rotation-edit", kwargs={"slug": "ktdnc"}), data)

    errors = response.context["form"].errors
    assert list(errors) == ["__all__"]
    assert [typed(response, f"place_{i}") for i in (1, 2, 3)] == [
        str(world.leader_unit.pk),
        str(world.member_unit.pk),
        str(world.leader_unit.pk),
    ]
    message = vi("%(unit)s appears twice in the rotation order.") % {"unit": world.leader_unit.short_name}
    assert errors["__all__"] == [message]
    assert shows(response, message)


# --- memberships -------------------------------------------------------------------------------------------


def test_membership_that_overlaps(world, board):
    data = {"unit": world.member_unit.pk, "start_year": "2021", "end_year": "2023", "note": "Sáp nhập"}

    response = post_refused(board, reverse("blocs:membership-add", kwargs={"slug": "ktdnc"}), data)

    errors = response.context["form"].errors
    assert list(errors) == ["start_year"]
    assert [typed(response, f) for f in ("unit", "start_year", "end_year", "note")] == [
        str(world.member_unit.pk),
        "2021",
        "2023",
        "Sáp nhập",
    ]
    message = vi("%(unit)s is already a member of this bloc for %(period)s; the periods overlap.") % {
        "unit": world.member_unit.short_name,
        "period": "2019–…",
    }
    assert errors["start_year"] == [message]
    assert shows(response, message)


def test_membership_that_ends_before_it_starts(world, board):
    data = {"unit": world.outsider_unit.pk, "start_year": "2022", "end_year": "2021"}

    response = post_refused(board, reverse("blocs:membership-add", kwargs={"slug": "ktdnc"}), data)

    assert response.context["form"].errors == {"end_year": [vi("The last year cannot come before the first year.")]}


# --- calendar ----------------------------------------------------------------------------------------------

DEADLINE = {
    "kind": "year_report",
    "title": "Nộp báo cáo tổng kết",
    "description": "Bản có chữ ký",
    "audience": "members",
    "unit": "",
    "opens_on": "01/10/2020",
    "opens_time": "",
    "due_on": "20/10/2020",
    "due_time": "",
}


def test_deadline_that_opens_after_it_is_due(world, board):
    data = {**DEADLINE, "opens_on": "25/10/2020", "opens_time": "08:00"}

    response = post_refused(board, reverse("blocs:deadline-create", kwargs={"slug": "ktdnc", "year": 2020}), data)

    errors = response.context["form"].errors
    assert list(errors) == ["opens_on"]
    assert [typed(response, f) for f in ("title", "description", "opens_on", "opens_time", "due_on")] == [
        "Nộp báo cáo tổng kết",
        "Bản có chữ ký",
        "25/10/2020",
        "08:00",
        "20/10/2020",
    ]
    assert 'value="25/10/2020"' in response.content.decode()
    message = vi("A deadline cannot open after it is due.")
    assert errors["opens_on"] == [message]
    assert shows(response, message)


def test_deadline_for_one_unit_without_the_unit(world, board):
    data = {**DEADLINE, "audience": "unit", "unit": ""}

    response = post_refused(board, reverse("blocs:deadline-create", kwargs={"slug": "ktdnc", "year": 2020}), data)

    errors = response.context["form"].errors
    assert list(errors) == ["unit"]
    assert (typed(response, "audience"), typed(response, "title")) == ("unit", "Nộp báo cáo tổng kết")
    message = vi("Choose the unit this deadline applies to.")
    assert errors["unit"] == [message]
    assert shows(response, message)


def test_deadline_for_all_members_with_a_unit(world, board):
    data = {**DEADLINE, "audience": "members", "unit": world.member_unit.pk}

    response = post_refused(board, reverse("blocs:deadline-create", kwargs={"slug": "ktdnc", "year": 2020}), data)

    assert response.context["form"].errors == {
        "unit": [vi("Leave the unit empty unless the deadline applies to one unit.")]
    }


def test_the_form_page_says_nothing_was_saved(world, board):
    data = {**DEADLINE, "audience": "unit", "unit": ""}

    response = post_refused(board, reverse("blocs:deadline-create", kwargs={"slug": "ktdnc", "year": 2020}), data)

    assert shows(response, vi("Please correct the fields marked below; nothing was saved yet."))


def test_the_unit_list_offers_no_unit_already_in_the_bloc_and_starts_at_the_blocs_year(world, board):
    from blocs.forms import MembershipForm

    form = MembershipForm(bloc=world.bloc)
    offered = {value for value, _label in form.fields["unit"].widget.choices if value}

    assert world.outsider_unit.pk in offered
    assert not offered & {world.member_unit.pk, world.leader_unit.pk, world.deputy_unit.pk}
    assert form.fields["start_year"].initial == world.year.year
