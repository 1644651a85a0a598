"""The one lifecycle of issued documents (core/documents/lifecycle.py), tested directly with the real kinds: the
conference minutes (REVISE), the conference plan (SUPERSEDE) and the covenant (final once issued). Register
numbers, the frozen issued record, the optimistic lock, required fields, corrections, rights and audit rows, each
read back from the database."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone, translation

from blocs.covenant import COVENANT, covenant_for
from blocs.enums import Phase
from blocs.models import Covenant, RegisterEntry
from conference.enums import PlanStatus
from conference.models import ConferenceMinutes, ConferencePlan
from conference.services.minutes import MINUTES, StaleMinutes
from conference.services.plan import PLAN, plan_save
from core.documents import lifecycle
from core.documents.lifecycle import REVISE, SUPERSEDE
from core.models import AuditLog
from tests.blocs.test_covenant import fresh, send_all
from tests.conference.test_views import plan_2020_for
from tests.factories import BlocFactory

MINUTES_TITLE = "Biên bản Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020"


# --- arrange ---------------------------------------------------------------------------------------------------


def held(year: int = 2020, month: int = 11, day: int = 5) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 14, 30), timezone.get_current_timezone())


def new_minutes(world, **fields) -> ConferenceMinutes:
    """Unsaved minutes of the world's year with every field issuing needs."""
    values = {
        "year": world.year,
        "held_at": held(),
        "ended_at": datetime.time(17, 0),
        "place": "Hội trường tầng III - Thanh tra tỉnh",
        "chair_name": "Vũ Đức Thọ",
        "secretary_name": "Nguyễn Thị Thu Hà",
        "conclusion": "Hội nghị nhất trí thông qua Báo cáo tổng kết.",
    }
    return ConferenceMinutes(**{**values, **fields})


def draft_minutes(world, **fields) -> ConferenceMinutes:
    """Minutes saved once by the leader through the lifecycle (version 1)."""
    return lifecycle.save_draft(MINUTES, new_minutes(world, **fields), expected_version=None, by=world.leader)


def issued_minutes(world, **fields) -> ConferenceMinutes:
    return lifecycle.issue(MINUTES, draft_minutes(world, **fields), by=world.leader)


def stored(record):
    """The record as the database has it now (a new object: nothing cached from the test's own)."""
    return type(record).objects.get(pk=record.pk)


def draft_plan(world) -> ConferencePlan:
    """The real 2020 plan, saved as a draft by the leader (no tasks: the calendar is not this module's concern)."""
    return plan_save(plan=plan_2020_for(world.year), tasks=[], contributions=[], expected_version=None, by=world.leader)


def register() -> list[tuple]:
    return list(RegisterEntry.objects.order_by("pk").values_list("bloc__code", "year", "doc_type", "number", "title"))


def db_state() -> dict:
    """Everything the lifecycle may write: the records of every kind, the register, the audit log."""
    return {
        "minutes": list(ConferenceMinutes.objects.order_by("pk").values()),
        "plans": list(ConferencePlan.objects.order_by("pk").values()),
        "covenants": list(Covenant.objects.order_by("pk").values()),
        "register": register(),
        "audit": list(AuditLog.objects.order_by("pk").values_list("action", "target_type", "target_id", "data")),
    }


def audit_rows(action: str) -> list[tuple]:
    return list(AuditLog.objects.filter(action=action).order_by("pk").values_list("actor", "target_id", "data"))


# --- the kinds as declared --------------------------------------------------------------------------------------


def test_the_real_kinds_declare_their_corrections():
    assert (MINUTES.corrections, PLAN.corrections, COVENANT.corrections) == (REVISE, SUPERSEDE, None)
    assert (MINUTES.doc_type, PLAN.doc_type, COVENANT.doc_type) == ("BB", "KH", "GƯTĐ")


# --- the register -----------------------------------------------------------------------------------------------


def test_next_number_is_the_next_free_one_of_the_kinds_own_register(world):
    other_bloc = BlocFactory(province=world.bloc.province, code="KTĐKT")
    for bloc, year, doc_type, number in [
        (world.bloc, 2020, "BB", 1),
        (world.bloc, 2020, "BB", 2),
        (world.bloc, 2019, "BB", 9),  # another year's register
        (world.bloc, 2020, "KH", 5),  # another type of document
        (other_bloc, 2020, "BB", 7),  # another bloc's register
    ]:
        RegisterEntry.objects.create(bloc=bloc, year=year, doc_type=doc_type, number=number, title="Văn bản khác")
    minutes = draft_minutes(world)

    assert lifecycle.next_number(MINUTES, minutes) == 3
    assert lifecycle.next_number(PLAN, draft_plan(world)) == 6


def test_issue_takes_the_next_free_number_and_records_it_in_the_register(world):
    RegisterEntry.objects.create(bloc=world.bloc, year=2020, doc_type="BB", number=1, title="Biên bản khác")
    minutes = draft_minutes(world)

    issued = lifecycle.issue(MINUTES, minutes, by=world.leader)

    row = stored(minutes)
    assert (row.status, row.number, row.number_text, row.issued_by, row.version, row.revision) == (
        PlanStatus.ISSUED,
        2,
        "02/BB-KTĐNC",
        world.leader,
        2,  # the lock moved on: an editor opened before the issue is stale
        1,
    )
    assert row.issued_at is not None and row.issued_at == issued.issued_at
    assert issued.number == 2
    assert register() == [
        ("KTĐNC", 2020, "BB", 1, "Biên bản khác"),
        ("KTĐNC", 2020, "BB", 2, MINUTES_TITLE),
    ]
    assert lifecycle.next_number(MINUTES, row) == 3


def test_issue_takes_the_number_given_when_it_is_free(world):
    minutes = draft_minutes(world)

    lifecycle.issue(MINUTES, minutes, number=7, by=world.leader)

    assert stored(minutes).number == 7
    assert register() == [("KTĐNC", 2020, "BB", 7, MINUTES_TITLE)]


def test_the_register_is_the_one_of_the_year_of_the_documents_date(world):
    """Minutes of the 2020 emulation year held in January 2021 take their number in the 2021 register."""
    RegisterEntry.objects.create(bloc=world.bloc, year=2020, doc_type="BB", number=4, title="Biên bản 2020")
    minutes = draft_minutes(world, held_at=held(2021, 1, 10))

    assert lifecycle.next_number(MINUTES, minutes) == 1
    lifecycle.issue(MINUTES, minutes, by=world.leader)

    assert stored(minutes).number == 1
    assert register() == [
        ("KTĐNC", 2020, "BB", 4, "Biên bản 2020"),
        ("KTĐNC", 2021, "BB", 1, MINUTES_TITLE),
    ]


def test_a_number_already_used_in_the_register_is_refused_on_number_and_nothing_changes(world):
    RegisterEntry.objects.create(bloc=world.bloc, year=2020, doc_type="BB", number=7, title="Biên bản khác")
    minutes = draft_minutes(world)
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        lifecycle.issue(MINUTES, minutes, number=7, by=world.leader)

    assert list(refused.value.message_dict) == ["number"]
    assert db_state() == before
    row = stored(minutes)
    assert (row.status, row.number, row.issued_at) == (PlanStatus.DRAFT, None, None)


# --- issued is frozen -------------------------------------------------------------------------------------------


def test_an_issued_record_is_frozen(world):
    minutes = draft_minutes(world)
    opened_before = stored(minutes)  # an editor opened on the draft, before the issue
    lifecycle.issue(MINUTES, minutes, by=world.leader)
    before = db_state()

    issued = stored(minutes)
    with pytest.raises(ValidationError) as refused:
        lifecycle.ensure_editable(MINUTES, issued, world.leader)
    assert refused.value.messages == [str(MINUTES.frozen)]

    issued.conclusion = "Sửa sau khi ban hành."
    with pytest.raises(ValidationError) as refused:
        lifecycle.save_draft(MINUTES, issued, expected_version=issued.version, by=world.leader)
    assert refused.value.messages == [str(MINUTES.frozen)]

    # An object that still believes it is a draft meets the stored record's state, even without a version asked.
    opened_before.conclusion = "Sửa sau khi ban hành."
    with pytest.raises(ValidationError) as refused:
        lifecycle.save_draft(MINUTES, opened_before, expected_version=None, by=world.leader)
    assert refused.value.messages == [str(MINUTES.frozen)]

    assert db_state() == before


def test_a_draft_is_editable_by_its_writer(world):
    minutes = draft_minutes(world)

    lifecycle.ensure_editable(MINUTES, minutes, world.leader)  # no refusal

    minutes.conclusion = "Kết luận đã sửa."
    lifecycle.save_draft(MINUTES, minutes, expected_version=1, by=world.leader)
    row = stored(minutes)
    assert (row.conclusion, row.version, row.updated_by, row.status) == (
        "Kết luận đã sửa.",
        2,
        world.leader,
        PlanStatus.DRAFT,
    )


def test_issuing_twice_is_refused_and_takes_no_second_number(world):
    minutes = draft_minutes(world)  # this object stays a draft in memory
    lifecycle.issue(MINUTES, minutes, by=world.leader)
    before = db_state()

    for record in (stored(minutes), minutes):
        with pytest.raises(ValidationError) as refused:
            lifecycle.issue(MINUTES, record, by=world.leader)
        assert refused.value.messages == [str(MINUTES.already_issued)]

    assert db_state() == before
    assert register() == [("KTĐNC", 2020, "BB", 1, MINUTES_TITLE)]


# --- the optimistic lock (core.locking) ---------------------------------------------------------------------------


def test_a_stale_save_is_refused_and_nothing_changes(world):
    minutes = draft_minutes(world)
    mine, theirs = stored(minutes), stored(minutes)
    theirs.conclusion = "Kết luận của người khác."
    lifecycle.save_draft(MINUTES, theirs, expected_version=1, by=world.leader)
    before = db_state()

    mine.conclusion = "Kết luận của tôi."
    with pytest.raises(StaleMinutes) as refused:
        lifecycle.save_draft(MINUTES, mine, expected_version=1, by=world.leader)

    assert refused.value.messages == [str(MINUTES.stale)]
    assert db_state() == before
    row = stored(minutes)
    assert (row.conclusion, row.version) == ("Kết luận của người khác.", 2)


def test_a_second_first_save_is_refused_as_stale(world):
    draft_minutes(world)
    before = db_state()

    with pytest.raises(StaleMinutes):
        lifecycle.save_draft(MINUTES, new_minutes(world, place="Nơi khác"), expected_version=None, by=world.leader)

    assert db_state() == before


def test_a_stale_issue_is_refused_and_nothing_changes(world):
    minutes = draft_minutes(world)
    page_version = stored(minutes).version  # the issue form was rendered at version 1
    edited = stored(minutes)
    edited.conclusion = "Kết luận sửa sau khi trang được mở."
    lifecycle.save_draft(MINUTES, edited, expected_version=1, by=world.leader)
    before = db_state()

    with pytest.raises(StaleMinutes) as refused:
        lifecycle.issue(MINUTES, stored(minutes), expected_version=page_version, by=world.leader)

    assert refused.value.messages == [str(MINUTES.stale_issue)]
    assert db_state() == before
    assert register() == []

    lifecycle.issue(MINUTES, stored(minutes), expected_version=2, by=world.leader)  # the page read again
    assert (stored(minutes).status, stored(minutes).version) == (PlanStatus.ISSUED, 3)


# --- required fields ----------------------------------------------------------------------------------------------


def test_issue_is_refused_listing_the_labels_of_the_required_fields_left_empty(world):
    minutes = draft_minutes(world, chair_name="", secretary_name="   ", ended_at=None)
    before = db_state()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        lifecycle.issue(MINUTES, minutes, by=world.leader)

    assert refused.value.messages == [
        "The minutes are incomplete: chair's name, secretary's name, ended at. Complete them in the editor."
    ]
    assert db_state() == before


def test_the_required_fields_are_read_as_stored_not_as_the_callers_object(world):
    minutes = draft_minutes(world, secretary_name="")
    minutes.secretary_name = "Nguyễn Thị Thu Hà"  # typed, never saved

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        lifecycle.issue(MINUTES, minutes, by=world.leader)

    assert refused.value.messages == ["The minutes are incomplete: secretary's name. Complete them in the editor."]
    assert stored(minutes).status == PlanStatus.DRAFT


# --- REVISE: a correction is the same row's next revision -----------------------------------------------------------


def test_revise_new_version_reopens_the_same_row_under_the_same_number(world):
    RegisterEntry.objects.create(bloc=world.bloc, year=2020, doc_type="BB", number=1, title="Biên bản khác")
    minutes = issued_minutes(world)
    registered = register()

    reopened = lifecycle.new_version(MINUTES, stored(minutes), by=world.leader)

    row = stored(minutes)
    assert reopened.pk == minutes.pk
    assert ConferenceMinutes.objects.count() == 1
    assert (row.status, row.number, row.revision, row.version, row.issued_at, row.issued_by, row.updated_by) == (
        PlanStatus.DRAFT,
        2,
        2,
        3,  # 1 saved, 2 issued, 3 reopened
        None,
        None,
        world.leader,
    )
    assert MINUTES.version(row) == 2  # the renderings of the correction are tied to revision 2
    assert register() == registered
    lifecycle.ensure_editable(MINUTES, row, world.leader)  # a draft again: editable


def test_revise_reissue_keeps_the_number_and_takes_none_from_the_register(world):
    RegisterEntry.objects.create(bloc=world.bloc, year=2020, doc_type="BB", number=1, title="Biên bản khác")
    minutes = issued_minutes(world)
    lifecycle.new_version(MINUTES, stored(minutes), by=world.leader)
    corrected = stored(minutes)
    corrected.conclusion = "Kết luận đã sửa."
    lifecycle.save_draft(MINUTES, corrected, expected_version=3, by=world.leader)
    registered = register()

    again = lifecycle.issue(MINUTES, stored(minutes), expected_version=4, by=world.leader)

    row = stored(minutes)
    assert (row.status, row.number, row.revision, row.version, row.conclusion) == (
        PlanStatus.ISSUED,
        2,
        2,
        5,
        "Kết luận đã sửa.",
    )
    assert again.number_text == "02/BB-KTĐNC"
    assert (
        register()
        == registered
        == [
            ("KTĐNC", 2020, "BB", 1, "Biên bản khác"),
            ("KTĐNC", 2020, "BB", 2, MINUTES_TITLE),
        ]
    )
    assert [data for _actor, _pk, data in audit_rows("conference.minutes.issued")] == [
        {"number": "02/BB-KTĐNC", "revision": 1},
        {"number": "02/BB-KTĐNC", "revision": 2},
    ]


def test_a_number_given_on_reissue_is_not_taken_the_kept_one_stays(world):
    minutes = issued_minutes(world)
    lifecycle.new_version(MINUTES, stored(minutes), by=world.leader)

    lifecycle.issue(MINUTES, stored(minutes), number=9, by=world.leader)

    assert stored(minutes).number == 1
    assert register() == [("KTĐNC", 2020, "BB", 1, MINUTES_TITLE)]


def test_a_save_without_a_version_keeps_the_number_and_revision_of_the_stored_row(world):
    minutes = draft_minutes(world)
    opened_before = stored(minutes)  # number None, revision 1
    lifecycle.issue(MINUTES, stored(minutes), by=world.leader)
    lifecycle.new_version(MINUTES, stored(minutes), by=world.leader)

    opened_before.conclusion = "Kết luận sửa."
    lifecycle.save_draft(MINUTES, opened_before, expected_version=None, by=world.leader)

    row = stored(minutes)
    # the lifecycle's own fields are the stored row's, whatever the caller's copy says
    assert (row.number, row.revision, row.status, row.conclusion) == (1, 2, PlanStatus.DRAFT, "Kết luận sửa.")


# --- SUPERSEDE: a correction is a new row -------------------------------------------------------------------------


def test_supersede_new_version_is_a_new_draft_row_and_the_issued_one_stays(world):
    plan = lifecycle.issue(PLAN, draft_plan(world), number=53, by=world.leader)
    issued_row = ConferencePlan.objects.filter(pk=plan.pk).values().get()

    new = lifecycle.new_version(PLAN, stored(plan), by=world.leader)

    assert new.pk != plan.pk
    assert ConferencePlan.objects.filter(pk=plan.pk).values().get() == issued_row  # untouched
    row = stored(new)
    assert (row.status, row.version, row.supersedes_id, row.number, row.issued_at, row.issued_by) == (
        PlanStatus.DRAFT,
        2,
        plan.pk,
        None,
        None,
        None,
    )
    assert (row.title, row.signer_name) == (plan.title, plan.signer_name)  # a copy of the issued text
    assert list(ConferencePlan.objects.order_by("version").values_list("version", "status", "number")) == [
        (1, PlanStatus.ISSUED, 53),
        (2, PlanStatus.DRAFT, None),
    ]
    assert audit_rows("conference.plan.new_version") == [(world.leader.pk, str(new.pk), {"previous": plan.pk})]


def test_supersede_new_version_is_issued_under_a_number_of_its_own(world):
    plan = lifecycle.issue(PLAN, draft_plan(world), number=53, by=world.leader)
    new = lifecycle.new_version(PLAN, stored(plan), by=world.leader)
    dated = stored(new).issued_on.year  # a new version is dated the day it is made

    lifecycle.issue(PLAN, stored(new), by=world.leader)

    expected = 54 if dated == 2020 else 1
    assert list(ConferencePlan.objects.order_by("version").values_list("version", "status", "number")) == [
        (1, PlanStatus.ISSUED, 53),
        (2, PlanStatus.ISSUED, expected),
    ]
    assert [(year, number) for _bloc, year, doc_type, number, _title in register() if doc_type == "KH"] == [
        (2020, 53),
        (dated, expected),
    ]


# --- a new version of what is not issued --------------------------------------------------------------------------


def test_new_version_of_draft_minutes_is_refused(world):
    minutes = draft_minutes(world)
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        lifecycle.new_version(MINUTES, minutes, by=world.leader)

    assert refused.value.messages == [str(MINUTES.not_issued)]
    assert db_state() == before


def test_new_version_of_a_draft_plan_is_refused_and_makes_no_row(world):
    plan = draft_plan(world)
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        lifecycle.new_version(PLAN, plan, by=world.leader)

    assert refused.value.messages == [str(PLAN.not_issued)]
    assert db_state() == before


def test_new_version_of_reopened_minutes_is_refused(world):
    minutes = issued_minutes(world)
    lifecycle.new_version(MINUTES, stored(minutes), by=world.leader)
    before = db_state()

    with pytest.raises(ValidationError):
        lifecycle.new_version(MINUTES, stored(minutes), by=world.leader)

    assert db_state() == before
    assert stored(minutes).revision == 2


# --- a kind with no correction: the covenant ---------------------------------------------------------------------


def test_a_refused_issue_undoes_what_before_issue_saved(world):
    """The covenant issued straight from its defaults is saved first (`before_issue`); refused (no unit has sent
    its registration), that save is undone with it."""
    before = db_state()

    with pytest.raises(ValidationError):
        lifecycle.issue(COVENANT, covenant_for(fresh(world.year)), by=world.leader)

    assert db_state() == before


def test_the_covenant_is_numbered_in_its_register_and_has_no_new_version(world):
    send_all(world)
    covenant = lifecycle.issue(COVENANT, covenant_for(fresh(world.year)), by=world.leader)
    dated = covenant.issued_on.year
    row = Covenant.objects.get()
    assert (row.number, row.is_issued, row.issued_by) == (1, True, world.leader)
    assert register() == [("KTĐNC", dated, "GƯTĐ", 1, "Bản giao ước thi đua năm 2020")]
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        lifecycle.new_version(COVENANT, row, by=world.leader)
    assert refused.value.messages == [str(COVENANT.frozen)]
    with pytest.raises(ValidationError):
        lifecycle.ensure_editable(COVENANT, row, world.leader)

    assert db_state() == before


# --- rights -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["outsider", "member", "deputy", "board", "other_board"])
def test_only_the_leader_writes_issues_and_corrects_the_minutes(world, role):
    user = world.user(role)
    # Those who may not know the year exists get 404 (as for no year); the others see it and are refused.
    refusal = Http404 if role in ("outsider", "other_board") else PermissionDenied
    before = db_state()
    with pytest.raises(refusal):
        lifecycle.save_draft(MINUTES, new_minutes(world), expected_version=None, by=user)
    assert db_state() == before

    minutes = draft_minutes(world)
    before = db_state()
    for attempt in (
        lambda: lifecycle.ensure_editable(MINUTES, stored(minutes), user),
        lambda: lifecycle.save_draft(MINUTES, stored(minutes), expected_version=1, by=user),
        lambda: lifecycle.issue(MINUTES, stored(minutes), by=user),
    ):
        with pytest.raises(refusal):
            attempt()
    assert db_state() == before

    lifecycle.issue(MINUTES, stored(minutes), by=world.leader)
    before = db_state()
    with pytest.raises(refusal):
        lifecycle.new_version(MINUTES, stored(minutes), by=user)
    assert db_state() == before


def test_the_rights_asked_are_the_kinds_own(world):
    """The board may issue the plan (its rule) but not the minutes (theirs): the lifecycle hard-codes no role."""
    minutes = draft_minutes(world)

    lifecycle.issue(PLAN, draft_plan(world), by=world.board)
    with pytest.raises(PermissionDenied):
        lifecycle.issue(MINUTES, stored(minutes), by=world.board)

    assert list(ConferencePlan.objects.values_list("status", "issued_by")) == [(PlanStatus.ISSUED, world.board.pk)]
    assert stored(minutes).status == PlanStatus.DRAFT


def test_a_closed_year_refuses_even_the_leader(world):
    minutes = draft_minutes(world)
    world.year.phase = Phase.CLOSED
    world.year.save()
    before = db_state()

    for attempt in (
        lambda: lifecycle.save_draft(MINUTES, stored(minutes), expected_version=1, by=world.leader),
        lambda: lifecycle.issue(MINUTES, stored(minutes), by=world.leader),
    ):
        with pytest.raises(PermissionDenied):
            attempt()

    assert db_state() == before


# --- audit ---------------------------------------------------------------------------------------------------------


def test_every_step_of_the_minutes_writes_its_audit_row(world):
    minutes = draft_minutes(world)
    edited = stored(minutes)
    edited.conclusion = "Kết luận đã sửa."
    lifecycle.save_draft(MINUTES, edited, expected_version=1, by=world.leader)
    lifecycle.issue(MINUTES, stored(minutes), by=world.leader)
    issued_at = stored(minutes).issued_at
    lifecycle.new_version(MINUTES, stored(minutes), by=world.leader)

    pk = str(minutes.pk)
    rows = list(
        AuditLog.objects.filter(target_type="conference.conferenceminutes")
        .order_by("pk")
        .values_list("actor", "action", "target_id", "data")
    )
    assert rows == [
        (world.leader.pk, "conference.minutes.created", pk, {}),
        (world.leader.pk, "conference.minutes.saved", pk, {"version": 2}),
        (world.leader.pk, "conference.minutes.issued", pk, {"number": "01/BB-KTĐNC", "revision": 1}),
        (
            world.leader.pk,
            "conference.minutes.new_version",
            pk,
            {"previous": {"revision": 1, "issued_at": issued_at.isoformat()}, "revision": 2},
        ),
    ]
    assert audit_rows("blocs.register.taken") == [
        (world.leader.pk, str(RegisterEntry.objects.get().pk), {}),
    ]


def test_issuing_the_plan_audits_without_a_revision(world):
    plan = lifecycle.issue(PLAN, draft_plan(world), number=53, by=world.leader)

    assert audit_rows("conference.plan.issued") == [(world.leader.pk, str(plan.pk), {"number": "53/KH-KTĐNC"})]
