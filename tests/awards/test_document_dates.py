"""The dates and the legal bases of the awards documents: the vote-count minutes and the submission letter are dated
by the leader when issuing (by default the conference's day and the ballot's publication day), numbered in the
register of that date's year; the letter cites the legal bases of its year, by default the law in force on its date,
and keeps those it was issued with."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from awards import documents, services
from awards.models import SubmissionLetter, VoteCountMinutes
from awards.selectors import legal_bases_in_force
from awards.services.documents import SUBMISSION_LETTER, VOTE_COUNT_MINUTES
from blocs.models import RegisterEntry
from core.documents import lifecycle
from tests.awards.test_documents import load_proposal, load_year, vote

CONFERENCE = datetime.date(2020, 11, 5)  # the demo's conference, and the day its ballots were published
LAW_2003 = "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31/7/2017"
LAW_2022 = "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31/12/2023"


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


@pytest.fixture
def voted(bloc2020):
    return vote(bloc2020, everything=False)  # the Flag, published on 05/11/2020: Công an tỉnh proposed


def minutes_url(name: str = "minutes") -> str:
    return reverse(f"awards:{name}", kwargs={"slug": "ktdnc", "year": 2020})


def letter_url(voted, name: str = "submission") -> str:
    proposal = voted.proposal("CAT", "flag")
    return reverse(f"awards:{name}", kwargs={"slug": "ktdnc", "year": 2020, "pk": proposal.pk})


def register() -> list[tuple]:
    """The register's entries of the awards documents (the demo's plans and covenants have their own)."""
    entries = RegisterEntry.objects.filter(doc_type__in=["BB", "TTr"]).order_by("pk")
    return list(entries.values_list("year", "doc_type", "number"))


def bases_of(document) -> list[str]:
    """The letter's legal bases: its "Căn cứ" paragraphs before the bloc's regulation and the conference's vote."""
    return [
        b.text
        for b in document.blocks
        if b.text.startswith("Căn cứ") and "Quy chế" not in b.text and not b.text.startswith("Căn cứ kết quả")
    ]


# --- the date ------------------------------------------------------------------------------------------------


def test_the_issue_form_suggests_the_conference_s_day(voted, client_as):
    response = client_as(voted.bloc.leader).get(minutes_url())

    assert response.context["issue_form"].initial["dated"] == CONFERENCE
    assert 'name="dated" value="05/11/2020"' in response.content.decode()


def test_the_minutes_bear_the_date_they_are_issued_with(voted, client_as):
    response = client_as(voted.bloc.leader).post(minutes_url("minutes-issue"), {"dated": "06/11/2020"})

    assert response.status_code == 302
    minutes = VoteCountMinutes.objects.get(year=voted.year)
    assert (minutes.is_issued, minutes.dated) == (True, datetime.date(2020, 11, 6))
    assert documents.minutes_document(load_year(voted.year.pk), minutes).header.date == datetime.date(2020, 11, 6)
    assert register() == [(2020, "BB", 1)]


def test_a_date_in_the_next_year_numbers_the_document_in_that_year_s_register(voted, client_as):
    client = client_as(voted.bloc.leader)
    page = client.get(letter_url(voted))
    assert page.context["issue_form"].initial["dated"] == CONFERENCE  # the ballot's publication day

    client.post(letter_url(voted, "submission-issue"), {"dated": "08/01/2021"})

    letter = SubmissionLetter.objects.get()
    assert (letter.number, letter.dated) == (1, datetime.date(2021, 1, 8))
    assert register() == [(2021, "TTr", 1)]
    document = documents.submission_document(load_proposal(letter.proposal_id), letter)
    assert (document.header.date, document.header.number) == (datetime.date(2021, 1, 8), "01/TTr-KTĐNC")


@pytest.mark.parametrize(
    ("dated", "message"),
    [
        ("tomorrow", "The date of the document cannot be later than today."),
        ("31/12/2019", "The date of the document cannot be before the year %(year)s it is about."),
        ("11/30/2020", "Enter the date as dd/mm/yyyy, e.g. 05/11/2020."),
    ],
)
def test_a_wrong_date_is_named_on_the_form_and_nothing_is_issued(voted, client_as, dated, message):
    if dated == "tomorrow":
        dated = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")

    response = client_as(voted.bloc.leader).post(minutes_url("minutes-issue"), {"dated": dated})

    assert response.status_code == 200
    expected = vi(message) % {"year": 2020} if "%(year)s" in message else vi(message)
    assert response.context["issue_form"].errors == {"dated": [expected]}
    assert not VoteCountMinutes.objects.filter(status="issued").exists()
    assert register() == []


def test_without_a_date_the_document_is_issued_with_its_default_day(voted):
    proposal = voted.proposal("CAT", "flag")
    minutes = lifecycle.issue(VOTE_COUNT_MINUTES, VOTE_COUNT_MINUTES.current(voted.year), by=voted.bloc.leader)
    letter = lifecycle.issue(SUBMISSION_LETTER, SUBMISSION_LETTER.current(proposal), by=voted.bloc.leader)

    assert (minutes.dated, letter.dated) == (CONFERENCE, CONFERENCE)


def test_a_correction_keeps_the_date_unless_the_leader_changes_it(voted, client_as):
    client = client_as(voted.bloc.leader)
    client.post(minutes_url("minutes-issue"), {"dated": "06/11/2020"})
    client.post(minutes_url("minutes-new-version"))

    page = client.get(minutes_url())
    client.post(minutes_url("minutes-issue"), {"dated": "", "version": page.context["issue_form"].initial["version"]})

    assert page.context["issue_form"].initial["dated"] == datetime.date(2020, 11, 6)
    minutes = VoteCountMinutes.objects.get()
    assert (minutes.is_issued, minutes.revision, minutes.dated) == (True, 2, datetime.date(2020, 11, 6))


def test_the_lifecycle_refuses_a_field_the_kind_is_not_issued_with(voted):
    with pytest.raises(ValueError, match="not issued with"):
        lifecycle.issue(
            VOTE_COUNT_MINUTES, VOTE_COUNT_MINUTES.current(voted.year), by=voted.bloc.leader, values={"number": 3}
        )
    with pytest.raises(ValidationError):
        lifecycle.issue(
            VOTE_COUNT_MINUTES,
            VOTE_COUNT_MINUTES.current(voted.year),
            by=voted.bloc.leader,
            values={"dated": datetime.date(2019, 12, 31)},
        )
    assert register() == []


# --- the legal bases ----------------------------------------------------------------------------------------


def test_the_law_in_force_by_date():
    assert LAW_2003 in " ".join(legal_bases_in_force(datetime.date(2010, 1, 1)))  # before the first: the first
    assert LAW_2003 in " ".join(legal_bases_in_force(datetime.date(2023, 12, 31)))
    assert LAW_2022 in " ".join(legal_bases_in_force(datetime.date(2024, 1, 1)))


def test_the_law_in_force_is_a_setting(settings):
    settings.AWARDS_LEGAL_BASES = [{"from": "2000-01-01", "bases": ["Căn cứ A;"]}]
    assert legal_bases_in_force(datetime.date(2025, 6, 1)) == ["Căn cứ A;"]


def test_the_letter_cites_the_law_in_force_on_its_date(voted):
    proposal = load_proposal(voted.proposal("CAT", "flag").pk)
    letter = SubmissionLetter(proposal=proposal, dated=datetime.date(2024, 1, 5))

    assert bases_of(documents.submission_document(proposal)) == legal_bases_in_force(CONFERENCE)
    assert bases_of(documents.submission_document(proposal, letter)) == legal_bases_in_force(letter.dated)


def test_the_letter_cites_its_year_s_own_bases_and_keeps_them_once_issued(voted):
    leader = voted.bloc.leader
    own = ["Căn cứ Luật Thi đua, khen thưởng;", "Căn cứ Quyết định số 12/2019/QĐ-UBND của UBND tỉnh;"]
    services.legal_bases_set(year=voted.year, lines=own, by=voted.bloc.board)
    proposal = voted.proposal("CAT", "flag")
    issued = lifecycle.issue(SUBMISSION_LETTER, SUBMISSION_LETTER.current(proposal), by=leader)

    services.legal_bases_set(year=voted.year, lines=["Căn cứ Luật mới;"], by=voted.bloc.board)

    loaded = load_proposal(proposal.pk)
    assert SubmissionLetter.objects.get().legal_bases == own
    assert bases_of(documents.submission_document(loaded, SubmissionLetter.objects.get())) == own
    reopened = lifecycle.new_version(SUBMISSION_LETTER, issued, by=leader)
    assert bases_of(documents.submission_document(loaded, reopened)) == ["Căn cứ Luật mới;"]
