"""The authority line is checked when a signer is entered (Decree 30, Appendix I, II.7.b): a deputy signing
without "KT." and an unknown prefix are warned about (the save goes through: the clerk knows the case)."""

import pytest
from django.urls import reverse
from django.utils import translation

from conference.models import MeetingPlan
from core.documents.signing import authority_warnings


@pytest.mark.parametrize(
    ("authority", "position", "warned"),
    [
        ("TRƯỞNG KHỐI THI ĐUA NỘI CHÍNH", "PHÓ CHÁNH THANH TRA", True),  # the 2020 plan's block, as found
        ("KT. TRƯỞNG KHỐI THI ĐUA NỘI CHÍNH", "PHÓ CHÁNH THANH TRA", False),
        ("TM. KHỐI THI ĐUA NỘI CHÍNH", "CHÁNH THANH TRA TỈNH", False),
        ("TRƯỞNG KHỐI THI ĐUA NỘI CHÍNH", "CHÁNH THANH TRA TỈNH", False),  # the head signs in his own name
        ("T.M. KHỐI THI ĐUA", "CHÁNH THANH TRA TỈNH", True),
        ("Q. CHÁNH THANH TRA", "", False),
        ("TL. TRƯỞNG KHỐI", "Chánh Văn phòng", False),
    ],
)
def test_authority_lines(authority, position, warned):
    with translation.override("en"):
        assert bool(authority_warnings(authority, position)) is warned


def test_saving_a_meeting_plan_signed_by_a_deputy_without_kt_warns_and_saves(world, client_as):
    import datetime

    from django.utils import timezone

    from conference.enums import MeetingKind, Presenter
    from conference.models import Meeting
    from conference.services import meetings

    meeting = meetings.meeting_save(
        meeting=Meeting(
            year=world.year,
            kind=MeetingKind.MID_YEAR,
            held_at=timezone.make_aware(datetime.datetime(2020, 7, 10, 8, 0)),
            place="Hội trường",
            presenter=Presenter.LEADER,
        ),
        by=world.leader,
    )
    path = reverse("conference:meeting-plan-edit", args=(world.bloc.slug, 2020, meeting.pk))
    data = {
        "place": "Tuyên Quang", "dated": "26/06/2020", "purpose": "Mục đích.", "agenda": "Nội dung.",
        "signer_authority": "TRƯỞNG KHỐI", "signer_position": "PHÓ CHÁNH THANH TRA", "signer_name": "Vũ Đức Thọ",
        "version": "",
    }  # fmt: skip
    response = client_as(world.leader).post(path, data, follow=True)

    assert MeetingPlan.objects.get().signer_name == "Vũ Đức Thọ"  # saved
    texts = [str(m) for m in response.context["messages"]]
    assert any("KT." in t for t in texts), texts
