"""The people the awards documents name (issue 19): the vote-count minutes' committee, secretary and chair as data
(defaults from the year's leader unit, the editor's lines, refused lines, what the document prints and keeps once
issued), the minutes' Nơi nhận and header (Mẫu 1.9), and the submission letter's signer from that year's records
(the chair of the same year's conference minutes, never another year's) with the position line and the legal bases
in italics."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from awards import documents
from awards.forms.minutes import parse_people, people_lines
from awards.models import SubmissionLetter, VoteCountMinutes
from awards.services.documents import SUBMISSION_LETTER, VOTE_COUNT_MINUTES
from blocs.models import CovenantRegistration, EmulationYear
from conference.models import ConferenceMinutes
from core.documents import lifecycle
from tests.awards.test_documents import load_proposal, load_year, vote

CHAIR_2020 = ("Nguyễn Văn Thắng", "Chánh Thanh tra tỉnh, Trưởng Khối thi đua Nội chính năm 2020")
COMMITTEE = (
    "Trần Văn Hùng; Công an tỉnh Tuyên Quang; Trưởng ban\n"
    "Lê Thị Mai; Tòa án nhân dân tỉnh Tuyên Quang; Thành viên\n"
    "\n"
    "Phạm Văn Nam; Sở Tư pháp tỉnh Tuyên Quang; thành viên\n"
    "Nguyễn Thị Thu Hà; Thanh tra tỉnh Tuyên Quang; Thư ký\n"
)
STORED = [
    {"name": "Trần Văn Hùng", "unit": "Công an tỉnh Tuyên Quang", "role": "chair"},
    {"name": "Lê Thị Mai", "unit": "Tòa án nhân dân tỉnh Tuyên Quang", "role": "member"},
    {"name": "Phạm Văn Nam", "unit": "Sở Tư pháp tỉnh Tuyên Quang", "role": "member"},
    {"name": "Nguyễn Thị Thu Hà", "unit": "Thanh tra tỉnh Tuyên Quang", "role": "secretary"},
]


@pytest.fixture
def voted(bloc2020):
    return vote(bloc2020, everything=False)  # the Flag, published on 05/11/2020: Công an tỉnh proposed


@pytest.fixture
def voted_all(bloc2020):
    """Every ballot, the election included: it opens 2021, whose covenant registrations a letter must not read."""
    voted = vote(bloc2020)
    assert EmulationYear.objects.filter(bloc=voted.year.bloc, year=2021).exists()
    return voted


def url(name: str) -> str:
    return reverse(f"awards:{name}", kwargs={"slug": "ktdnc", "year": 2020})


def minutes_text(year, record=None) -> str:
    document = documents.minutes_document(load_year(str(year.pk)), record)
    return "\n".join(b.text for b in document.blocks)


def stored_minutes(year) -> VoteCountMinutes | None:
    return VoteCountMinutes.objects.filter(year=year).first()


def conference_minutes(year, chair=CHAIR_2020) -> ConferenceMinutes:
    return ConferenceMinutes.objects.create(
        year=year,
        held_at=timezone.make_aware(datetime.datetime(2020, 11, 5, 14, 30)),
        place="Hội trường tầng III - Thanh tra tỉnh",
        chair_name=chair[0],
        chair_position=chair[1],
        secretary_name="Nguyễn Thị Thu Hà",
        secretary_position="Chánh Văn phòng, Thanh tra tỉnh",
    )


# --- the vote-count minutes: defaults ----------------------------------------------------------------------


def test_the_committee_defaults_from_the_leader_unit_and_its_officers(voted):
    year = load_year(str(voted.year.pk))
    people = documents.default_counting_people(year)
    leader_officer = voted.bloc.officers["TTr"].full_name
    assert people[0] == {"name": leader_officer, "unit": "Thanh tra tỉnh Tuyên Quang", "role": "chair"}
    assert people[-1]["role"] == "secretary" and people[-1]["unit"] == "Thanh tra tỉnh Tuyên Quang"
    if year.deputy_id:  # an officer of the deputy unit sits on the committee
        assert people[1] == {
            "name": voted.bloc.officers[year.deputy.code].full_name,
            "unit": year.deputy.name,
            "role": "member",
        }
    # the leader unit has a single officer, who chairs: the secretary is left for the editor (a dotted line)
    assert people[-1]["name"] == ""


def test_the_secretary_defaults_to_the_conference_minutes_one(voted):
    conference_minutes(voted.year)
    ConferenceMinutes.objects.filter(year=voted.year).update(secretary_name="Hoàng Văn Tư")
    people = documents.default_counting_people(load_year(str(voted.year.pk)))
    assert people[-1] == {"name": "Hoàng Văn Tư", "unit": "Thanh tra tỉnh Tuyên Quang", "role": "secretary"}


def test_the_editor_opens_on_the_defaults_one_line_a_person(voted, client_as):
    response = client_as(voted.bloc.leader).get(url("minutes-edit"))
    assert response.status_code == 200
    lines = response.context["form"]["people"].value().splitlines()
    assert lines[0] == f"{voted.bloc.officers['TTr'].full_name}; Thanh tra tỉnh Tuyên Quang; Trưởng ban"
    assert lines[-1] == "; Thanh tra tỉnh Tuyên Quang; Thư ký"
    assert stored_minutes(voted.year) is None  # opening the editor stores nothing


def test_the_minutes_page_offers_the_editor_to_the_leader_only(voted, client_as):
    page = client_as(voted.bloc.leader).get(url("minutes")).content.decode()
    assert url("minutes-edit") in page
    assert client_as(voted.bloc.officers["CAT"]).get(url("minutes-edit")).status_code == 403


def test_no_editor_before_a_ballot_is_published(bloc2020, client_as):
    assert client_as(bloc2020.leader).get(url("minutes-edit")).status_code == 404


# --- editing ----------------------------------------------------------------------------------------------


def test_the_editor_saves_the_committee_and_the_document_names_them(voted, client_as):
    response = client_as(voted.bloc.leader).post(url("minutes-edit"), {"people": COMMITTEE, "version": ""})
    assert response.status_code == 302
    record = stored_minutes(voted.year)
    assert record.counting_people == STORED

    document = documents.minutes_document(load_year(str(voted.year.pk)), record)
    text = "\n".join(b.text for b in document.blocks)
    assert "1. Ông (bà) Trần Văn Hùng, đơn vị Công an tỉnh Tuyên Quang - Trưởng ban;" in text
    assert "2. Ông (bà) Lê Thị Mai, đơn vị Tòa án nhân dân tỉnh Tuyên Quang - Thành viên;" in text
    assert "3. Ông (bà) Phạm Văn Nam, đơn vị Sở Tư pháp tỉnh Tuyên Quang - Thành viên." in text
    assert "Thư ký: Ông (bà) Nguyễn Thị Thu Hà, đơn vị Thanh tra tỉnh Tuyên Quang." in text
    assert "……" not in text.split("I. BAN KIỂM PHIẾU")[1].split("II.")[0]
    assert (document.left_signature.authority, document.left_signature.name) == ("THƯ KÝ", "Nguyễn Thị Thu Hà")
    assert (document.signature.authority, document.signature.name) == ("TRƯỞNG BAN KIỂM PHIẾU", "Trần Văn Hùng")


def test_a_second_save_needs_the_version_it_was_opened_on(voted, client_as):
    client = client_as(voted.bloc.leader)
    client.post(url("minutes-edit"), {"people": COMMITTEE, "version": ""})
    version = stored_minutes(voted.year).version
    changed = COMMITTEE.replace("Lê Thị Mai", "Lê Thị Hoa")
    assert client.post(url("minutes-edit"), {"people": changed, "version": version}).status_code == 302
    assert stored_minutes(voted.year).counting_people[1]["name"] == "Lê Thị Hoa"
    stale = client.post(url("minutes-edit"), {"people": COMMITTEE, "version": version})
    assert stale.status_code == 200 and stored_minutes(voted.year).counting_people[1]["name"] == "Lê Thị Hoa"


def test_the_preview_shows_the_typed_people_unsaved(voted, client_as):
    response = client_as(voted.bloc.leader).post(url("minutes-preview"), {"people": COMMITTEE, "version": ""})
    html = response.content.decode()
    assert "Trần Văn Hùng" in html and "Lê Thị Mai" in html
    assert stored_minutes(voted.year) is None


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        (
            "Trần Văn Hùng; Công an tỉnh; Trưởng ban\nLê Thị Mai, Tòa án; Thành viên\nA; B; Thư ký",
            [gettext("Line %(line)s: write “name; unit; role”, three parts separated by “;”.") % {"line": 2}],
        ),
        (
            "Trần Văn Hùng; Công an tỉnh; Trưởng ban\n\n; Tòa án; Thành viên\nA; ; Thư ký",
            [
                gettext("Line %(line)s: the person's name is missing.") % {"line": 3},
                gettext("Line %(line)s: the person's unit is missing.") % {"line": 4},
            ],
        ),
        (
            "Trần Văn Hùng; Công an tỉnh; Chủ tịch\nA; B; Thư ký",
            [
                gettext("Line %(line)s: the role must be one of %(roles)s.")
                % {"line": 1, "roles": "Trưởng ban, Thành viên, Thư ký"}
            ],
        ),
        (
            "Trần Văn Hùng; Công an tỉnh; Trưởng ban\nLê Thị Mai; Tòa án; Trưởng ban",
            [
                gettext("Exactly one person must be “%(role)s” (there are %(count)s).")
                % {"role": "Trưởng ban", "count": 2},
                gettext("Exactly one person must be “%(role)s” (there are %(count)s).")
                % {"role": "Thư ký", "count": 0},
            ],
        ),
    ],
)
def test_bad_lines_are_refused_with_their_line_and_nothing_is_stored(voted, client_as, text, errors):
    response = client_as(voted.bloc.leader).post(url("minutes-edit"), {"people": text, "version": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["people"] == errors
    assert stored_minutes(voted.year) is None


def test_a_refused_edit_leaves_the_stored_people_as_they_were(voted, client_as):
    client = client_as(voted.bloc.leader)
    client.post(url("minutes-edit"), {"people": COMMITTEE, "version": ""})
    version = stored_minutes(voted.year).version
    response = client.post(url("minutes-edit"), {"people": "nobody", "version": version})
    assert response.status_code == 200 and response.context["form"].errors["people"]
    record = stored_minutes(voted.year)
    assert record.counting_people == STORED and record.version == version


def test_the_lines_read_back_as_they_were_written():
    people, errors = parse_people(COMMITTEE)
    assert errors == [] and people == STORED
    assert parse_people(people_lines(people)) == (STORED, [])


def test_an_issued_minutes_is_frozen_with_the_people_it_named(voted, client_as):
    minutes = lifecycle.issue(VOTE_COUNT_MINUTES, VOTE_COUNT_MINUTES.current(voted.year), by=voted.bloc.leader)
    assert minutes.counting_people == documents.default_counting_people(load_year(str(voted.year.pk)))
    response = client_as(voted.bloc.leader).post(url("minutes-edit"), {"people": COMMITTEE, "version": ""})
    assert response.status_code == 302 and response.url == url("minutes")
    assert stored_minutes(voted.year).counting_people == minutes.counting_people


def test_minutes_issued_before_the_people_were_recorded_keep_blanks_to_write_in(voted):
    minutes = lifecycle.issue(VOTE_COUNT_MINUTES, VOTE_COUNT_MINUTES.current(voted.year), by=voted.bloc.leader)
    VoteCountMinutes.objects.filter(pk=minutes.pk).update(counting_people=[])
    document = documents.minutes_document(load_year(str(voted.year.pk)), stored_minutes(voted.year))
    text = "\n".join(b.text for b in document.blocks)
    assert f"1. Ông (bà) {documents.DOTS}, đơn vị {documents.DOTS} - Trưởng ban;" in text
    assert document.signature.name == documents.DOTS and document.left_signature.name == documents.DOTS


# --- the minutes: participants, Nơi nhận, no place-and-date line ----------------------------------------------


def test_the_minutes_list_the_units_present_and_end_with_the_archive(voted):
    document = documents.minutes_document(load_year(str(voted.year.pk)))
    participants = next(b.text for b in document.blocks if b.text.startswith("Thành phần:"))
    assert participants.startswith("Thành phần: đại diện lãnh đạo 08/08 đơn vị thành viên của Khối có mặt: ")
    for unit in voted.bloc.units.values():
        assert unit.name in participants
    assert document.recipient_lines() == ["- Lưu: VT, Hồ sơ."]
    assert document.header.dated_line is False


# --- the submission letter: its signer, from the same year -----------------------------------------------------


def test_the_letter_is_signed_by_the_chair_of_the_same_year_s_minutes_never_the_next_year_s_registration(
    voted_all,
):
    voted = voted_all
    CovenantRegistration.objects.create(
        year=EmulationYear.objects.get(bloc=voted.year.bloc, year=2021),
        unit=voted.year.leader,
        signatory_name="Nguyễn Văn Bình",
        signatory_position="Chánh Thanh tra",
    )
    minutes = conference_minutes(voted.year)
    document = documents.submission_document(load_proposal(str(voted.proposal("CAT", "flag").pk)))
    signature = document.signature
    assert signature.name == minutes.chair_name == "Nguyễn Văn Thắng"
    assert (signature.authority, signature.body, signature.position) == (
        "TM. KHỐI THI ĐUA NỘI CHÍNH",
        "TRƯỞNG KHỐI",
        "CHÁNH THANH TRA TỈNH",  # the chair's office, "Trưởng Khối …" being the line above
    )


def test_without_the_year_s_records_the_letter_leaves_a_dotted_line_rather_than_borrow_the_next_year(voted_all):
    voted = voted_all
    following = EmulationYear.objects.get(bloc=voted.year.bloc, year=2021)
    CovenantRegistration.objects.create(year=following, unit=voted.year.leader, signatory_name="Nguyễn Văn Bình")
    document = documents.submission_document(load_proposal(str(voted.proposal("CAT", "flag").pk)))
    assert document.signature.name == documents.DOTS and document.signature.position == ""


def test_the_year_s_own_registration_is_the_last_source(voted):
    CovenantRegistration.objects.create(
        year=voted.year, unit=voted.year.leader, signatory_name="Đỗ Văn Khánh", signatory_position="Chánh Thanh tra"
    )
    document = documents.submission_document(load_proposal(str(voted.proposal("CAT", "flag").pk)))
    assert (document.signature.name, document.signature.position) == ("Đỗ Văn Khánh", "CHÁNH THANH TRA")
    conference_minutes(voted.year)
    document = documents.submission_document(load_proposal(str(voted.proposal("CAT", "flag").pk)))
    assert document.signature.name == "Nguyễn Văn Thắng"


def test_an_issued_letter_keeps_the_signer_it_was_issued_with(voted):
    minutes = conference_minutes(voted.year)
    proposal = load_proposal(str(voted.proposal("CAT", "flag").pk))
    issued = lifecycle.issue(SUBMISSION_LETTER, SUBMISSION_LETTER.current(proposal), by=voted.bloc.leader)
    assert (issued.signer_name, issued.signer_position) == CHAIR_2020
    ConferenceMinutes.objects.filter(pk=minutes.pk).update(chair_name="Người Khác")
    record = SubmissionLetter.objects.get(pk=issued.pk)
    assert documents.submission_document(proposal, record).signature.name == "Nguyễn Văn Thắng"
    assert documents.submission_document(proposal).signature.name == "Người Khác"  # a new draft reads the year


# --- the submission letter: legal bases in italics, the last with "." --------------------------------------------


def test_every_legal_basis_is_italic_the_last_ending_with_a_full_stop(voted):
    document = documents.submission_document(load_proposal(str(voted.proposal("CAT", "flag").pk)))
    bases = [b for b in document.blocks if b.kind == "legal_basis"]
    assert len(bases) >= 3
    assert all(b.text.startswith("Căn cứ") for b in bases)
    assert [b.text[-1] for b in bases] == [";"] * (len(bases) - 1) + ["."]
    assert bases[-1].text.startswith("Căn cứ kết quả chấm điểm, xếp hạng thi đua năm 2020")
    assert not [b for b in document.blocks if b.kind != "legal_basis" and b.text.startswith("Căn cứ")]
    kinds = [b.kind for b in document.blocks]
    first, last = kinds.index("legal_basis"), len(kinds) - 1 - kinds[::-1].index("legal_basis")
    assert set(kinds[first : last + 1]) == {"legal_basis"}  # one run, under the Kính gửi


# --- the demo ------------------------------------------------------------------------------------------------


def test_the_demo_s_2020_vote_count_has_its_committee(bloc2020):
    from awards import demo

    demo.seed()
    record = VoteCountMinutes.objects.get(year=bloc2020.year)
    assert [p["role"] for p in record.counting_people] == ["chair", "member", "member", "secretary"]
    assert record.counting_people[0] == {
        "name": bloc2020.officers["CAT"].full_name,
        "unit": "Công an tỉnh Tuyên Quang",
        "role": "chair",
    }
    assert record.counting_people[-1]["name"] == bloc2020.officers["TTr"].full_name
    document = documents.minutes_document(load_year(str(bloc2020.year.pk)), record)
    assert document.signature.name == bloc2020.officers["CAT"].full_name
    assert document.left_signature.name == bloc2020.officers["TTr"].full_name
