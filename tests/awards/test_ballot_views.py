"""The ballot pages through the test client: the 2020 conference's vote on the Certificates of Merit from the
leader's creation to the published results, the election, a run-off and a paper ballot; every kind of bad input
shown with its message while nothing changes; and the query counts of the year's page and the ballot's page.

The demo bloc of 2020 is seeded once for the module, inside a transaction rolled back at its end; each test
runs in a savepoint of it, as Django's TestCase.setUpTestData does."""

import html

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from awards import services
from awards.models import AwardKind, Ballot, BallotChoice, BallotPaper, BallotVoter, Proposal
from blocs import demo as blocs_demo
from blocs.models import EmulationYear, Person, Unit
from core.models import AuditLog
from scoring import demo as scoring_demo

from .conftest import Bloc2020

Y = {"slug": "ktdnc", "year": 2020}
MERIT_CANDIDATES = ["TTr", "VKS", "BCHQS", "STP"]  # the next-ranked units classified "Xuất sắc"
# What each unit approves on the Certificates of Merit (quota 3; no unit may approve itself).
MERIT_VOTES = {
    "CAT": ["TTr", "VKS", "BCHQS"],
    "TA": ["TTr", "VKS", "BCHQS"],
    "CTHADS": ["TTr", "VKS", "BCHQS"],
    "BNCTU": ["TTr", "VKS", "BCHQS"],
    "VKS": ["TTr", "BCHQS", "STP"],
    "BCHQS": ["TTr", "VKS", "STP"],
    "STP": ["TTr", "VKS", "BCHQS"],
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            blocs_demo.seed()
            scoring_demo.seed()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def bloc(seeded, db) -> Bloc2020:
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


# --- helpers ----------------------------------------------------------------------------------------------


def vi(msgid: str, **params) -> str:
    with translation.override("vi"):
        text = gettext(msgid)
    return text % params if params else text


def vi_plural(singular: str, plural: str, count: int, **params) -> str:
    with translation.override("vi"):
        return ngettext(singular, plural, count) % params


def page(response) -> str:
    return response.content.decode()


def shows(response, text: str) -> bool:
    return html.escape(text) in page(response)


def at(name: str, ballot: Ballot | None = None) -> str:
    return reverse(name, kwargs={**Y, "pk": ballot.pk} if ballot else Y)


def kind(bloc: Bloc2020, code: str) -> AwardKind:
    services.award_kinds_ensure(year=bloc.year)
    return AwardKind.objects.get(year=bloc.year, code=code)


def make_ballot(bloc, code="merit", *, method="online", to="draft", present=None, votes=None) -> Ballot:
    """A ballot brought to a status through the services (the views are tested elsewhere in this module)."""
    ballot = services.ballot_create_award(award_kind=kind(bloc, code), by=bloc.leader, method=method)
    if to == "draft":
        return ballot
    services.ballot_freeze(ballot=ballot, by=bloc.leader)
    if to == "frozen":
        return ballot
    codes = present if present is not None else list(bloc.units)
    services.ballot_open(ballot=ballot, present_unit_ids=[bloc.units[c].pk for c in codes], by=bloc.leader)
    for voter, chosen in (votes or {}).items():
        cast(bloc, ballot, voter, chosen)
    if to == "open":
        return ballot
    services.ballot_close(ballot=ballot, by=bloc.leader)
    return Ballot.objects.get(pk=ballot.pk)


def cast(bloc, ballot, voter_code, chosen_codes):
    ids = list(ballot.candidates.filter(unit__code__in=chosen_codes).values_list("pk", flat=True))
    services.ballot_cast(ballot=Ballot.objects.get(pk=ballot.pk), candidate_ids=ids, by=bloc.officers[voter_code])


def candidate_ids(ballot, codes) -> list[int]:
    by_code = dict(ballot.candidates.values_list("unit__code", "pk"))
    return [by_code[c] for c in codes]


def db_state(ballot: Ballot) -> dict:
    """Everything a ballot's steps can change."""
    b = Ballot.objects.get(pk=ballot.pk)
    return {
        "ballot": (
            b.status,
            b.method,
            b.present_count,
            (b.paper_issued, b.paper_returned, b.paper_invalid),
            (b.frozen_at, b.opened_at, b.closed_at, b.tallied_at, b.published_at),
        ),
        "voters": sorted(BallotVoter.objects.filter(ballot=b).values_list("unit__code", "present", "voted_at")),
        "papers": BallotPaper.objects.filter(ballot=b).count(),
        "choices": BallotChoice.objects.filter(paper__ballot=b).count(),
        "candidates": sorted(b.candidates.values_list("unit__code", "votes", "outcome", "paper_votes")),
        "ballots": Ballot.objects.count(),
        "proposals": Proposal.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def results_of(ballot: Ballot) -> dict:
    return {c.unit.code: (c.votes, c.outcome) for c in ballot.candidates.select_related("unit")}


def has_counts(response) -> bool:
    return 'id="results-table"' in page(response) or "data-votes=" in page(response)


# --- the journey --------------------------------------------------------------------------------------------


def test_the_certificates_of_merit_from_creation_to_publication(bloc, client):
    leader, member, board = bloc.leader, bloc.officers["TA"], bloc.board

    # The leader creates the ballot from the year's page: the eligible units of the published ranking.
    client.force_login(leader)
    index = client.get(at("awards:index"))
    assert index.status_code == 200
    response = client.post(at("awards:ballot-create"), {"kind": "merit", "method": "online"})
    ballot = Ballot.objects.get(award_kind__code="merit", year=bloc.year)
    assert response.status_code == 302 and response["Location"] == at("awards:ballot-detail", ballot)
    assert sorted(ballot.candidates.values_list("unit__code", flat=True)) == sorted(MERIT_CANDIDATES)
    detail = client.get(at("awards:ballot-detail", ballot))
    assert shows(detail, vi("Yes, freeze the ballot"))

    # Freeze, then open with every unit present.
    response = client.post(at("awards:ballot-freeze", ballot), follow=True)
    assert shows(response, vi("The ballot is frozen: its candidates, voters and rules are fixed."))
    detail = client.get(at("awards:ballot-detail", ballot))
    assert shows(detail, vi("Yes, open the vote"))
    assert sorted(detail.context["open_form"].initial["present"]) == sorted(u.pk for u in bloc.units.values())
    response = client.post(
        at("awards:ballot-open", ballot), {"present": [u.pk for u in bloc.units.values()]}, follow=True
    )
    assert Ballot.objects.get(pk=ballot.pk).status == "open"
    assert shows(
        response, vi("The vote is open: %(present)s of %(members)s member units are present.", present=8, members=8)
    )

    # A member who has not voted is asked to, on the year's page and on the ballot.
    client.force_login(member)
    assert 'id="to-vote"' in page(client.get(at("awards:index")))
    assert 'id="vote-now"' in page(client.get(at("awards:ballot-detail", ballot)))

    # Seven units vote from their own logins.
    for voter, chosen in MERIT_VOTES.items():
        client.force_login(bloc.officers[voter])
        form = client.get(at("awards:ballot-vote", ballot))
        assert 'id="vote-form"' in page(form)
        response = client.post(at("awards:ballot-vote", ballot), {"candidates": candidate_ids(ballot, chosen)})
        assert response.status_code == 302, page(response)[:2000]
        receipt = client.get(at("awards:ballot-vote", ballot))
        assert 'id="receipt"' in page(receipt) and 'id="vote-form"' not in page(receipt)
    assert 'id="to-vote"' not in page(client.get(at("awards:index")))

    # While open: the turnout for everyone, the counts for nobody, the leader and the board included.
    for user in (leader, board, member):
        client.force_login(user)
        detail = client.get(at("awards:ballot-detail", ballot))
        assert detail.status_code == 200
        assert not has_counts(detail)
        assert detail.context["results"] is None
        turnout = client.get(at("awards:ballot-turnout", ballot))
        assert shows(turnout, vi("%(voted)s/%(present)s units have voted", voted=7, present=8))
        assert 'hx-trigger="every' in page(turnout)

    # The leader closes and counts; the results are the leader's and the board's until published.
    client.force_login(leader)
    client.post(at("awards:ballot-close", ballot))
    for user in (leader, board, member):
        client.force_login(user)
        assert not has_counts(client.get(at("awards:ballot-detail", ballot)))
    client.force_login(leader)
    client.post(at("awards:ballot-tally", ballot))
    ballot.refresh_from_db()
    assert ballot.status == "tallied"
    assert results_of(ballot) == {
        "TTr": (7, "elected"),
        "VKS": (6, "elected"),
        "BCHQS": (6, "elected"),
        "STP": (2, "below_threshold"),
    }
    for user, sees in ((leader, True), (board, True), (member, False)):
        client.force_login(user)
        assert has_counts(client.get(at("awards:ballot-detail", ballot))) is sees

    # Published: every member sees the results; the elected units are proposed to the province.
    client.force_login(leader)
    response = client.post(at("awards:ballot-publish", ballot), follow=True)
    assert shows(response, vi("The results were published to every member unit."))
    client.force_login(member)
    detail = client.get(at("awards:ballot-detail", ballot))
    assert 'data-votes="7"' in page(detail) and 'data-votes="2"' in page(detail)
    assert [(r["candidate"].unit.code, r["votes"], str(r["percent"])) for r in detail.context["results"]["rows"]] == [
        ("TTr", 7, "87.50"),
        ("VKS", 6, "75.00"),
        ("BCHQS", 6, "75.00"),
        ("STP", 2, "25.00"),
    ]
    index = client.get(at("awards:index"))
    assert [c.unit.code for c in index.context["ballots"][0].elected] == ["TTr", "VKS", "BCHQS"]
    assert sorted(Proposal.objects.values_list("unit__code", flat=True)) == ["BCHQS", "TTr", "VKS"]
    # The timeline shows every step with its time.
    assert [step["state"] for step in detail.context["timeline"]] == ["done"] * 5 + ["current"]


def test_the_election_confirms_the_rotation_and_opens_next_year(bloc, client):
    client.force_login(bloc.leader)
    index = client.get(at("awards:index"))
    assert (index.context["proposal_leader"].code, index.context["proposal_deputy"].code) == ("CAT", "TA")
    client.post(at("awards:ballot-create"), {"kind": "election", "method": "online"})
    ballot = Ballot.objects.get(year=bloc.year, kind="election")
    client.post(at("awards:ballot-freeze", ballot))
    client.post(at("awards:ballot-open", ballot), {"present": [u.pk for u in bloc.units.values()]})
    for code in bloc.units:
        client.force_login(bloc.officers[code])
        chosen = [c for c in ("CAT", "TA") if c != code]
        client.post(at("awards:ballot-vote", ballot), {"candidates": candidate_ids(ballot, chosen)})
    client.force_login(bloc.leader)
    client.post(at("awards:ballot-close", ballot))
    client.post(at("awards:ballot-tally", ballot))
    client.post(at("awards:ballot-publish", ballot))

    assert results_of(Ballot.objects.get(pk=ballot.pk)) == {"CAT": (7, "elected"), "TA": (7, "elected")}
    year_2021 = EmulationYear.objects.get(bloc=bloc.year.bloc, year=2021)
    assert (year_2021.leader.code, year_2021.deputy.code) == ("CAT", "TA")


def test_a_tie_at_the_last_seat_goes_to_a_runoff(bloc, client):
    votes = {
        "TTr": ["VKS", "BCHQS", "STP"],
        "CAT": ["TTr", "VKS", "BCHQS"],
        "TA": ["TTr", "VKS", "STP"],
        "CTHADS": ["TTr", "VKS", "BCHQS"],
        "BNCTU": ["TTr", "VKS", "STP"],
        "VKS": ["TTr", "BCHQS", "STP"],
        "BCHQS": ["TTr", "VKS", "STP"],
        "STP": ["TTr", "VKS", "BCHQS"],
    }
    ballot = make_ballot(bloc, to="closed", votes=votes)
    client.force_login(bloc.leader)

    response = client.post(at("awards:ballot-tally", ballot), follow=True)

    assert results_of(ballot) == {
        "TTr": (7, "elected"),
        "VKS": (7, "elected"),
        "BCHQS": (5, "runoff"),
        "STP": (5, "runoff"),
    }
    assert shows(
        response,
        vi_plural("Tied units go to a run-off for %(n)s seat.", "Tied units go to a run-off for %(n)s seats.", 1, n=1),
    )
    tied = vi_plural(
        "The tied units go to a run-off for %(n)s seat.", "The tied units go to a run-off for %(n)s seats.", 1, n=1
    )
    assert shows(response, tied)

    response = client.post(at("awards:ballot-runoff", ballot))

    runoff = Ballot.objects.get(parent=ballot)
    assert response["Location"] == at("awards:ballot-detail", runoff)
    assert (runoff.round, runoff.quota, sorted(runoff.candidates.values_list("unit__code", flat=True))) == (
        2,
        1,
        ["BCHQS", "STP"],
    )


def test_a_paper_ballot_is_counted_from_the_figures_entered(bloc, client):
    ballot = make_ballot(bloc, method="paper", to="closed")
    client.force_login(bloc.leader)
    ids = dict(ballot.candidates.values_list("unit__code", "pk"))
    data = {"issued": 8, "returned": 8, "invalid": 1}
    data.update({f"votes_{ids[c]}": n for c, n in {"TTr": 7, "VKS": 6, "BCHQS": 5, "STP": 3}.items()})

    response = client.post(at("awards:ballot-paper", ballot), data)
    assert response.status_code == 302
    client.post(at("awards:ballot-tally", ballot))

    assert results_of(Ballot.objects.get(pk=ballot.pk)) == {
        "TTr": (7, "elected"),
        "VKS": (6, "elected"),
        "BCHQS": (5, "elected"),
        "STP": (3, "below_threshold"),
    }


# --- bad input: a clear message, nothing changed -------------------------------------------------------------


def test_a_ballot_over_the_quota_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="open")
    before = db_state(ballot)
    client.force_login(bloc.officers["TA"])

    response = client.post(at("awards:ballot-vote", ballot), {"candidates": candidate_ids(ballot, MERIT_CANDIDATES)})

    assert response.status_code == 200
    assert shows(response, vi("You approved %(count)s units; this ballot allows at most %(quota)s.", count=4, quota=3))
    assert db_state(ballot) == before
    # The ticks are kept, and the form is still there to correct.
    assert 'id="vote-form"' in page(response) and page(response).count("checked") == 4


def test_a_vote_for_a_unit_not_on_the_ballot_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="open")
    other = make_ballot(bloc, "flag")  # its candidate is not on the Merit's ballot
    before = db_state(ballot)
    client.force_login(bloc.officers["TA"])

    response = client.post(at("awards:ballot-vote", ballot), {"candidates": [other.candidates.get().pk]})

    assert shows(response, vi("You can only vote for the candidates on this ballot."))
    assert db_state(ballot) == before


def test_a_second_ballot_from_the_same_unit_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="open")
    client.force_login(bloc.officers["TA"])
    client.post(at("awards:ballot-vote", ballot), {"candidates": candidate_ids(ballot, ["TTr"])})
    before = db_state(ballot)
    # A second officer of the same unit would be refused the same way; the same login is enough here.

    response = client.post(at("awards:ballot-vote", ballot), {"candidates": candidate_ids(ballot, ["VKS"])})

    assert shows(response, vi("Your unit has already voted on this ballot; a ballot cannot be changed."))
    assert 'id="receipt"' in page(response) and 'id="vote-form"' not in page(response)
    assert db_state(ballot) == before


def test_a_vote_after_the_close_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="closed")
    before = db_state(ballot)
    client.force_login(bloc.officers["TA"])

    assert shows(client.get(at("awards:ballot-vote", ballot)), vi("Voting on this ballot has closed."))
    response = client.post(at("awards:ballot-vote", ballot), {"candidates": candidate_ids(ballot, ["TTr"])})

    assert shows(response, vi("Voting on this ballot has closed."))
    assert 'id="vote-form"' not in page(response)
    assert db_state(ballot) == before


def test_a_vote_before_the_opening_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="frozen")
    before = db_state(ballot)
    client.force_login(bloc.officers["TA"])

    response = client.post(at("awards:ballot-vote", ballot), {"candidates": candidate_ids(ballot, ["TTr"])})

    assert shows(response, vi("Voting on this ballot has not opened yet."))
    assert db_state(ballot) == before


def test_a_vote_for_ones_own_unit_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="open")
    before = db_state(ballot)
    client.force_login(bloc.officers["VKS"])

    form = client.get(at("awards:ballot-vote", ballot))
    own = candidate_ids(ballot, ["VKS"])[0]
    assert f'value="{own}" id="candidate-{own}" disabled' in page(form)
    response = client.post(at("awards:ballot-vote", ballot), {"candidates": [own]})

    assert shows(response, vi("Under the bloc's rules a unit may not vote for itself."))
    assert db_state(ballot) == before


def test_an_officer_of_a_non_member_unit_cannot_vote(bloc, client):
    ballot = make_ballot(bloc, to="open")
    before = db_state(ballot)

    # the outsider may not even know the ballot exists (404); the board sees it but does not vote (403)
    for user, refused in ((bloc.outsider, 404), (bloc.board, 403)):
        client.force_login(user)
        assert client.get(at("awards:ballot-vote", ballot)).status_code == refused
        assert (
            client.post(at("awards:ballot-vote", ballot), {"candidates": candidate_ids(ballot, ["TTr"])}).status_code
            == refused
        )

    assert db_state(ballot) == before


def test_opening_before_the_freeze_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="draft")
    before = db_state(ballot)
    client.force_login(bloc.leader)

    response = client.post(
        at("awards:ballot-open", ballot), {"present": [u.pk for u in bloc.units.values()]}, follow=True
    )

    assert shows(response, vi("Freeze the candidates and voters before opening the ballot."))
    assert db_state(ballot) == before


def test_opening_without_the_quorum_is_refused_and_keeps_the_ticks(bloc, client):
    ballot = make_ballot(bloc, to="frozen")
    before = db_state(ballot)
    client.force_login(bloc.leader)
    present = [bloc.units[c].pk for c in ("TTr", "CAT", "TA")]

    response = client.post(at("awards:ballot-open", ballot), {"present": present})

    assert response.status_code == 200
    message = vi(
        "Only %(present)s of the %(members)s member units are present; the quorum is %(quorum)s%%. "
        "The ballot cannot open.",
        present=3,
        members=8,
        quorum="67",
    )
    assert shows(response, message)
    assert sorted(response.context["open_form"]["present"].value()) == sorted(str(pk) for pk in present)
    assert db_state(ballot) == before


def test_publishing_before_the_count_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="closed")
    before = db_state(ballot)
    client.force_login(bloc.leader)

    response = client.post(at("awards:ballot-publish", ballot), follow=True)

    assert shows(response, vi("Count the votes before publishing the results."))
    assert db_state(ballot) == before


def test_a_ballot_without_candidates_is_refused(bloc, client):
    ballot = make_ballot(bloc, to="draft")
    before = db_state(ballot)
    client.force_login(bloc.leader)

    response = client.post(at("awards:ballot-candidates", ballot), {})

    assert response.status_code == 200
    assert shows(response, vi("A ballot needs at least one candidate."))
    assert db_state(ballot) == before


def test_impossible_paper_counts_are_refused_and_the_input_kept(bloc, client):
    ballot = make_ballot(bloc, method="paper", to="closed", present=["TTr", "CAT", "TA", "VKS", "STP", "CTHADS"])
    before = db_state(ballot)
    client.force_login(bloc.leader)
    ids = dict(ballot.candidates.values_list("unit__code", "pk"))
    data = {"issued": 7, "returned": 8, "invalid": 9, f"votes_{ids['TTr']}": 12, f"votes_{ids['VKS']}": 1}
    data.update({f"votes_{ids[c]}": 1 for c in ("BCHQS", "STP")})

    response = client.post(at("awards:ballot-paper", ballot), data)

    assert response.status_code == 200
    for message in (
        vi("%(issued)s ballot papers issued, but only %(present)s units are present.", issued=7, present=6),
        vi("More ballot papers returned (%(returned)s) than issued (%(issued)s).", returned=8, issued=7),
        vi("More invalid papers (%(invalid)s) than papers returned (%(returned)s).", invalid=9, returned=8),
    ):
        assert shows(response, message), message
    assert 'name="issued" value="7"' in page(response)
    assert f'name="votes_{ids["TTr"]}" value="12"' in page(response)
    assert db_state(ballot) == before

    # A field left empty or negative: Django's own message, in Vietnamese, on the field.
    response = client.post(at("awards:ballot-paper", ballot), {**data, "issued": "", "invalid": "-1"})
    assert response.status_code == 200
    assert response.context["paper_form"].errors.keys() >= {"issued", "invalid"}
    assert db_state(ballot) == before


def test_the_board_overrides_the_election_with_a_reason(bloc, client):
    client.force_login(bloc.board)
    cat, ta = bloc.units["CAT"].pk, bloc.units["TA"].pk

    response = client.post(at("awards:election-override"), {"leader": cat, "deputy": cat, "reason": "  "})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reason"}
    response = client.post(at("awards:election-override"), {"leader": cat, "deputy": cat, "reason": "Quyết định"})
    assert shows(response, vi("The deputy leader unit must differ from the leader unit."))
    assert not EmulationYear.objects.filter(bloc=bloc.year.bloc, year=2021).exists()

    response = client.post(
        at("awards:election-override"), {"leader": ta, "deputy": cat, "reason": "Theo Công văn của Ban"}
    )

    assert response.status_code == 302
    year_2021 = EmulationYear.objects.get(bloc=bloc.year.bloc, year=2021)
    assert (year_2021.leader.code, year_2021.deputy.code) == ("TA", "CAT")


# --- query counts ---------------------------------------------------------------------------------------------


def some_ballots(bloc, n: int) -> list[Ballot]:
    """n ballots of the year, open, each with a few votes cast."""
    made = []
    for code in ("merit", "flag")[:n]:
        made.append(make_ballot(bloc, code, to="open"))
    if n == 3:
        election = services.ballot_create_election(year=bloc.year, by=bloc.leader)
        services.ballot_freeze(ballot=election, by=bloc.leader)
        services.ballot_open(ballot=election, present_unit_ids=[u.pk for u in bloc.units.values()], by=bloc.leader)
        made.append(election)
    for ballot in made:
        cast(bloc, ballot, "TA", [])
    return made


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("role", ["leader", "member", "board"])
def test_the_year_page_query_count(bloc, client, django_assert_max_num_queries, n, role):
    some_ballots(bloc, n)
    user = {"leader": bloc.leader, "member": bloc.officers["VKS"], "board": bloc.board}[role]
    client.force_login(user)

    with django_assert_max_num_queries(16):
        response = client.get(at("awards:index"))

    assert response.status_code == 200
    assert len(response.context["ballots"]) == n


@pytest.mark.parametrize("code", ["flag", "merit"])  # one candidate and four
@pytest.mark.parametrize("to", ["draft", "frozen", "open", "published"])
@pytest.mark.parametrize("role", ["leader", "member"])
def test_the_ballot_page_query_count(bloc, client, django_assert_max_num_queries, code, to, role):
    ballot = make_ballot(bloc, code, to="open" if to == "published" else to)
    if to == "published":
        services.ballot_close(ballot=ballot, by=bloc.leader)
        services.ballot_tally(ballot=ballot, by=bloc.leader)
        services.ballot_publish(ballot=ballot, by=bloc.leader)
    client.force_login(bloc.leader if role == "leader" else bloc.officers["TA"])

    with django_assert_max_num_queries(14):
        response = client.get(at("awards:ballot-detail", ballot))

    assert response.status_code == 200
