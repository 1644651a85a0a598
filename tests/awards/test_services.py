"""The ballots' rules: lifecycle, casting, secrecy, thresholds, quorum, denominators, run-offs, the election
and the opening of next year, proposals and the province's decisions."""

import datetime
import importlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connections, models
from django.db.models import Count
from django.http import Http404
from django.utils import timezone, translation

from awards import services
from awards.enums import BallotMethod, BallotStatus, Outcome, ProposalStatus
from awards.models import AwardKind, Ballot, BallotCandidate, BallotChoice, BallotPaper, BallotVoter, Proposal
from awards.selectors import online_counts, threshold_votes
from blocs.enums import Audience, LeaderSource
from blocs.models import EmulationYear, LeaderTerm
from core.models import AuditLog
from core.permissions import can

ALL = ["TTr", "CAT", "TA", "VKS", "STP", "CTHADS", "BCHQS", "BNCTU"]


@pytest.fixture(autouse=True)
def english():
    """The messages are matched by their English msgids (the catalog's Vietnamese is tested elsewhere)."""
    with translation.override("en"):
        yield


def kinds(w) -> dict[str, AwardKind]:
    return {k.code: k for k in services.award_kinds_ensure(year=w.year)}


def cand(ballot: Ballot, code: str) -> int:
    return ballot.candidates.get(unit__code=code).pk


def opened(w, ballot: Ballot, present=ALL) -> Ballot:
    ballot = services.ballot_freeze(ballot=ballot, by=w.leader)
    return services.ballot_open(ballot=ballot, present_unit_ids=[w.units[c].pk for c in present], by=w.leader)


def flag_ballot(w, method=BallotMethod.ONLINE, present=ALL) -> Ballot:
    return opened(w, services.ballot_create_award(award_kind=kinds(w)["flag"], by=w.leader, method=method), present)


def merit_ballot(w, method=BallotMethod.ONLINE, present=ALL) -> Ballot:
    return opened(w, services.ballot_create_award(award_kind=kinds(w)["merit"], by=w.leader, method=method), present)


def vote(w, ballot: Ballot, ballots: dict[str, list[str]]) -> None:
    """`ballots`: voter unit code -> the codes of the candidates it approves."""
    for voter, chosen in ballots.items():
        services.ballot_cast(ballot=ballot, candidate_ids=[cand(ballot, c) for c in chosen], by=w.officers[voter])


def count(w, ballot: Ballot) -> Ballot:
    ballot = services.ballot_close(ballot=ballot, by=w.leader)
    return services.ballot_tally(ballot=ballot, by=w.leader)


def paper(w, ballot: Ballot, votes: dict[str, int], returned: int | None = None, invalid: int = 0) -> Ballot:
    ballot = services.ballot_close(ballot=ballot, by=w.leader)
    present = ballot.present_count
    services.ballot_record_paper(
        ballot=ballot,
        issued=present,
        returned=present if returned is None else returned,
        invalid=invalid,
        votes={cand(ballot, code): n for code, n in votes.items()},
        by=w.leader,
    )
    return services.ballot_tally(ballot=ballot, by=w.leader)


def outcomes(ballot: Ballot) -> dict[str, tuple[int, str]]:
    return {c.unit.code: (c.votes, c.outcome) for c in ballot.candidates.select_related("unit")}


def state(ballot: Ballot) -> tuple:
    ballot.refresh_from_db()
    return (
        ballot.status,
        BallotPaper.objects.filter(ballot=ballot).count(),
        BallotChoice.objects.filter(paper__ballot=ballot).count(),
        BallotVoter.objects.filter(ballot=ballot, voted_at__isnull=False).count(),
    )


# --- candidates and eligibility --------------------------------------------------------------------------


def test_candidates_come_from_the_published_ranking(bloc2020):
    w = bloc2020
    flag = services.ballot_create_award(award_kind=kinds(w)["flag"], by=w.leader)
    merit = services.ballot_create_award(award_kind=kinds(w)["merit"], by=w.leader)
    election = services.ballot_create_election(year=w.year, by=w.leader)

    assert [(c.unit.code, c.rank) for c in flag.candidates.all()] == [("CAT", 1)]
    assert [(c.unit.code, c.rank) for c in merit.candidates.all()] == [("TTr", 2), ("VKS", 3), ("BCHQS", 4), ("STP", 5)]
    assert [(c.unit.code, c.role) for c in election.candidates.all()] == [("CAT", "leader"), ("TA", "deputy")]
    assert (flag.quota, merit.quota, election.quota) == (1, 3, 2)


def test_quotas_are_settings(bloc2020):
    w = bloc2020
    w.year.settings_override = {"flag_quota": 2, "merit_quota": 1}
    w.year.save()
    flag = services.ballot_create_award(award_kind=kinds(w)["flag"], by=w.leader)
    merit = services.ballot_create_award(award_kind=kinds(w)["merit"], by=w.leader)

    assert [c.unit.code for c in flag.candidates.all()] == ["CAT", "TTr"]
    assert [c.unit.code for c in merit.candidates.all()] == ["VKS", "BCHQS", "STP"]
    assert (flag.quota, merit.quota) == (2, 1)


def test_no_ballot_before_the_ranking_is_published(bloc2020):
    w = bloc2020
    table = w.year.criteria_table
    table.ranking_published_at = None
    table.save()
    w.year.refresh_from_db()
    with pytest.raises(ValidationError, match="Publish the ranking"):
        services.ballot_create_award(award_kind=kinds(w)["flag"], by=w.leader)
    assert not Ballot.objects.exists()


def test_only_the_leader_runs_ballots(bloc2020):
    w = bloc2020
    for user, refusal in ((w.officers["CAT"], PermissionDenied), (w.board, PermissionDenied), (w.outsider, Http404)):
        with pytest.raises(refusal):  # the outsider may not know the year exists: 404, as for no year
            services.ballot_create_award(award_kind=kinds(w)["flag"], by=user)
    assert not Ballot.objects.exists()


# --- lifecycle -------------------------------------------------------------------------------------------


def test_each_step_in_order_and_audited(bloc2020):
    w = bloc2020
    ballot = flag_ballot(w)
    vote(w, ballot, {c: ["CAT"] for c in ALL if c != "CAT"})
    ballot = count(w, ballot)
    ballot = services.ballot_publish(ballot=ballot, by=w.leader)

    actions = list(
        AuditLog.objects.filter(target_type="awards.ballot", target_id=str(ballot.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "awards.ballot.created",
        "awards.ballot.frozen",
        "awards.ballot.opened",
        *["awards.ballot.cast"] * 7,
        "awards.ballot.closed",
        "awards.ballot.tallied",
        "awards.ballot.published",
    ]
    assert ballot.status == BallotStatus.PUBLISHED
    w.year.refresh_from_db()
    assert w.year.phase == "conference"  # the first vote opened the conference phase
    assert all([ballot.frozen_at, ballot.opened_at, ballot.closed_at, ballot.tallied_at, ballot.published_at])


def test_steps_out_of_order_are_refused_and_change_nothing(bloc2020):
    w = bloc2020
    ballot = services.ballot_create_award(award_kind=kinds(w)["flag"], by=w.leader)
    everyone = [u.pk for u in w.units.values()]

    with pytest.raises(ValidationError, match="Freeze the candidates and voters before opening"):
        services.ballot_open(ballot=ballot, present_unit_ids=everyone, by=w.leader)
    with pytest.raises(ValidationError, match="that step is not possible now"):
        services.ballot_close(ballot=ballot, by=w.leader)
    assert state(ballot) == (BallotStatus.DRAFT, 0, 0, 0)

    ballot = opened(w, ballot)
    with pytest.raises(ValidationError, match="Close the ballot and count the votes before publishing"):
        services.ballot_publish(ballot=ballot, by=w.leader)
    with pytest.raises(ValidationError, match="Close the ballot before counting"):
        services.ballot_tally(ballot=ballot, by=w.leader)
    ballot = services.ballot_close(ballot=ballot, by=w.leader)
    with pytest.raises(ValidationError, match="Count the votes before publishing"):
        services.ballot_publish(ballot=ballot, by=w.leader)
    with pytest.raises(ValidationError, match="can never be reopened"):
        services.ballot_open(ballot=ballot, present_unit_ids=everyone, by=w.leader)
    with pytest.raises(ValidationError, match="that step is not possible now"):
        services.ballot_freeze(ballot=ballot, by=w.leader)
    assert state(ballot) == (BallotStatus.CLOSED, 0, 0, 0)

    ballot = services.ballot_publish(ballot=services.ballot_tally(ballot=ballot, by=w.leader), by=w.leader)
    with pytest.raises(ValidationError, match="can never be reopened"):
        services.ballot_open(ballot=ballot, present_unit_ids=everyone, by=w.leader)
    assert state(ballot)[0] == BallotStatus.PUBLISHED


def test_candidates_change_only_in_draft(bloc2020):
    w = bloc2020
    ballot = services.ballot_create_award(award_kind=kinds(w)["merit"], by=w.leader)
    services.ballot_candidates_set(ballot=ballot, unit_ids=[w.units[c].pk for c in ("STP", "VKS", "TA")], by=w.leader)
    assert [(c.unit.code, c.rank) for c in ballot.candidates.all()] == [("VKS", 3), ("STP", 5), ("TA", 6)]

    services.ballot_freeze(ballot=ballot, by=w.leader)
    with pytest.raises(ValidationError):
        services.ballot_candidates_set(ballot=ballot, unit_ids=[w.units["TTr"].pk], by=w.leader)
    assert [c.unit.code for c in ballot.candidates.all()] == ["VKS", "STP", "TA"]


def test_the_rules_are_fixed_when_frozen(bloc2020):
    w = bloc2020
    ballot = flag_ballot(w)
    w.year.bloc.settings = {"vote_threshold_percent": 80, "quorum_percent": 100, "allow_self_vote": True}
    w.year.bloc.save()
    ballot.refresh_from_db()
    assert (ballot.threshold_percent, ballot.quorum_percent, ballot.allow_self_vote) == (50, 67, False)
    assert ballot.member_count == 8


# --- casting ---------------------------------------------------------------------------------------------


def test_bad_ballots_are_refused_and_change_nothing(bloc2020):
    w = bloc2020
    merit = merit_ballot(w, present=[c for c in ALL if c != "BNCTU"])
    flag = flag_ballot(w)
    vote(w, merit, {"CAT": ["TTr", "VKS"]})
    before = state(merit)

    cases = [
        ("CAT", [cand(merit, c) for c in ("TTr",)], "already voted"),
        ("TA", [cand(merit, c) for c in ("TTr", "VKS", "BCHQS", "STP")], "at most 3"),
        ("TA", [cand(flag, "CAT")], "only vote for the candidates on this ballot"),
        ("TTr", [cand(merit, "TTr")], "may not vote for itself"),
        ("BNCTU", [cand(merit, "TTr")], "not recorded as present"),
    ]
    for voter, chosen, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.ballot_cast(ballot=merit, candidate_ids=chosen, by=w.officers[voter])
    with pytest.raises(Http404):  # the outsider may not know the ballot exists
        services.ballot_cast(ballot=merit, candidate_ids=[cand(merit, "TTr")], by=w.outsider)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(ballot=merit, candidate_ids=[cand(merit, "TTr")], by=w.board)
    assert state(merit) == before

    merit = services.ballot_close(ballot=merit, by=w.leader)
    with pytest.raises(ValidationError, match="Voting on this ballot has closed"):
        services.ballot_cast(ballot=merit, candidate_ids=[cand(merit, "TTr")], by=w.officers["TA"])
    assert state(merit)[1:] == before[1:]


def test_voting_before_the_ballot_opens_is_refused(bloc2020):
    w = bloc2020
    ballot = services.ballot_freeze(
        ballot=services.ballot_create_award(award_kind=kinds(w)["flag"], by=w.leader), by=w.leader
    )
    with pytest.raises(ValidationError, match="has not opened yet"):
        services.ballot_cast(ballot=ballot, candidate_ids=[cand(ballot, "CAT")], by=w.officers["TA"])
    assert state(ballot) == (BallotStatus.FROZEN, 0, 0, 0)


def test_self_vote_when_the_bloc_allows_it(bloc2020):
    w = bloc2020
    w.year.settings_override = {"allow_self_vote": True}
    w.year.save()
    ballot = flag_ballot(w)
    vote(w, ballot, {"CAT": ["CAT"]})
    assert state(ballot)[1:] == (1, 1, 1)


def test_a_blank_ballot_counts_in_the_turnout(bloc2020):
    w = bloc2020
    ballot = flag_ballot(w)
    vote(w, ballot, {"TA": []})
    ballot = count(w, ballot)
    assert state(ballot)[1:] == (1, 0, 1)
    assert outcomes(ballot) == {"CAT": (0, Outcome.BELOW_THRESHOLD)}


def test_a_paper_ballot_is_not_cast_online(bloc2020):
    w = bloc2020
    ballot = flag_ballot(w, method=BallotMethod.PAPER)
    with pytest.raises(ValidationError, match="on paper"):
        services.ballot_cast(ballot=ballot, candidate_ids=[cand(ballot, "CAT")], by=w.officers["TA"])


def test_one_unit_has_one_row_in_the_turnout_register(bloc2020):
    from django.db import IntegrityError, transaction

    w = bloc2020
    ballot = flag_ballot(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotVoter.objects.create(ballot=ballot, unit=w.units["TA"])


@pytest.mark.django_db(transaction=True)
def test_two_casts_at_the_same_moment_store_one_ballot(bloc2020):
    w = bloc2020
    ballot = flag_ballot(w)
    start = threading.Barrier(2)
    results: list[str] = []

    def cast() -> None:
        try:
            start.wait()
            services.ballot_cast(ballot=ballot, candidate_ids=[cand(ballot, "CAT")], by=w.officers["TA"])
            results.append("stored")
        except ValidationError:
            results.append("refused")
        except OperationalError:  # SQLite's in-memory test database: "table is locked" for the second writer
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(results) == ["refused", "stored"]
    assert state(ballot)[1:] == (1, 1, 1)


# --- secrecy ---------------------------------------------------------------------------------------------


def test_the_papers_cannot_be_joined_to_a_voter():
    """No key, time or sequence on a paper or an approval points at a unit, a user or a moment."""
    for model in (BallotPaper, BallotChoice):
        fields = model._meta.get_fields()
        related = {f.related_model for f in fields if f.is_relation and f.many_to_one}
        assert related <= {Ballot, BallotPaper, BallotCandidate}
        assert not [f for f in fields if isinstance(f, models.DateTimeField | models.DateField)]
        assert isinstance(model._meta.pk, models.UUIDField)
    voter_links = {f.related_model for f in BallotVoter._meta.get_fields() if f.is_relation}
    assert BallotPaper not in voter_links and BallotChoice not in voter_links


def test_the_audit_log_records_who_voted_never_what(bloc2020):
    w = bloc2020
    ballot = merit_ballot(w)
    vote(w, ballot, {"CAT": ["TTr", "VKS"]})
    row = AuditLog.objects.get(action="awards.ballot.cast")
    assert row.data == {"unit": w.units["CAT"].pk}


def papers(ballot: Ballot) -> tuple[set, list[list[str]]]:
    """The keys of the ballot's papers, and what each says (an empty paper included)."""
    rows = BallotPaper.objects.filter(ballot=ballot)
    return (
        set(rows.values_list("id", flat=True)),
        sorted(sorted(p.choices.values_list("candidate__unit__code", flat=True)) for p in rows),
    )


def test_every_cast_writes_all_the_papers_again_with_new_keys(bloc2020):
    """The order-hiding design (test_unlinkable.py measures it): a cast deletes the ballot's papers and writes
    them again, its own among them, in a random order with new keys; the close has nothing left to hide."""
    w = bloc2020
    ballot = merit_ballot(w)
    vote(w, ballot, {"CAT": ["TTr", "VKS"], "TA": ["TTr"], "BNCTU": []})
    before_ids, before = papers(ballot)
    vote(w, ballot, {"CTHADS": ["STP", "BCHQS", "VKS"]})
    after_ids, after = papers(ballot)
    assert before == [[], ["TTr"], ["TTr", "VKS"]]
    assert after == [[], ["BCHQS", "STP", "VKS"], ["TTr"], ["TTr", "VKS"]]
    assert before_ids.isdisjoint(after_ids)

    services.ballot_close(ballot=ballot, by=w.leader)
    assert papers(ballot) == (after_ids, after)


def test_the_papers_of_a_ballot_open_at_the_upgrade_are_rewritten_once(bloc2020):
    """Migration 0004: papers written in the order of the casts before this release get new keys and order."""
    from django.apps import apps

    rewrite = importlib.import_module("awards.migrations.0004_rewrite_open_ballot_papers").rewrite_open_ballots
    w = bloc2020
    ballot = merit_ballot(w)
    for codes in (["TTr"], [], ["VKS", "STP"]):
        paper = BallotPaper.objects.create(ballot=ballot)
        BallotChoice.objects.bulk_create(BallotChoice(paper=paper, candidate_id=cand(ballot, c)) for c in codes)
    before_ids, before = papers(ballot)
    rewrite(apps, None)
    after_ids, after = papers(ballot)
    assert after == before == [[], ["STP", "VKS"], ["TTr"]]
    assert before_ids.isdisjoint(after_ids)


def test_nobody_reads_counts_while_the_ballot_is_open(bloc2020):
    w = bloc2020
    ballot = flag_ballot(w)
    vote(w, ballot, {"TA": ["CAT"]})
    for user in (w.leader, w.board, w.officers["TA"], w.officers["CAT"]):
        assert not can(user, "awards.ballot.results", ballot)
    with pytest.raises(PermissionError):
        online_counts(ballot)
    ballot = count(w, ballot)
    assert [can(u, "awards.ballot.results", ballot) for u in (w.leader, w.board, w.officers["TA"])] == [
        True,
        True,
        False,
    ]
    ballot = services.ballot_publish(ballot=ballot, by=w.leader)
    assert [can(u, "awards.ballot.results", ballot) for u in (w.officers["TA"], w.outsider)] == [True, False]


# --- thresholds, denominators, quorum --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "present", "votes", "outcome"),
    [
        ({}, ALL, 5, Outcome.ELECTED),  # 5/8 > 50%
        ({}, ALL, 4, Outcome.BELOW_THRESHOLD),  # 4/8 is not more than 50%
        ({"vote_threshold_strict": False}, ALL, 4, Outcome.ELECTED),  # at least 50%
        ({"vote_threshold_percent": 80}, ALL, 6, Outcome.BELOW_THRESHOLD),  # 75% < 80%
        ({"vote_threshold_percent": 80}, ALL, 7, Outcome.ELECTED),  # the Procuracy's 80%: 87.5%
        ({}, ALL[:6], 4, Outcome.BELOW_THRESHOLD),  # counted against all 8 members
        ({"vote_denominator": "present"}, ALL[:6], 4, Outcome.ELECTED),  # 4/6 present
        ({"vote_denominator": "present"}, ALL[:6], 3, Outcome.BELOW_THRESHOLD),  # 3/6 is not more than half
    ],
)
def test_thresholds_and_denominators(bloc2020, overrides, present, votes, outcome):
    w = bloc2020
    w.year.settings_override = overrides
    w.year.save()
    ballot = paper(w, flag_ballot(w, method=BallotMethod.PAPER, present=present), {"CAT": votes})
    assert outcomes(ballot) == {"CAT": (votes, outcome)}


@pytest.mark.parametrize(("quorum", "present", "opens"), [(67, 6, True), (67, 5, False), (100, 7, False), (0, 0, True)])
def test_the_quorum(bloc2020, quorum, present, opens):
    w = bloc2020
    w.year.settings_override = {"quorum_percent": quorum}
    w.year.save()
    ballot = services.ballot_freeze(
        ballot=services.ballot_create_award(award_kind=kinds(w)["flag"], by=w.leader), by=w.leader
    )
    units = [w.units[c].pk for c in ALL[:present]]
    if opens:
        ballot = services.ballot_open(ballot=ballot, present_unit_ids=units, by=w.leader)
        assert (ballot.status, ballot.present_count) == (BallotStatus.OPEN, present)
    else:
        with pytest.raises(ValidationError, match=f"Only {present} of the 8 member units are present"):
            services.ballot_open(ballot=ballot, present_unit_ids=units, by=w.leader)
        assert state(ballot)[0] == BallotStatus.FROZEN


def test_threshold_votes(bloc2020):
    w = bloc2020
    ballot = flag_ballot(w)
    assert threshold_votes(ballot, 8) == 5
    ballot.threshold_strict = False
    assert threshold_votes(ballot, 8) == 4


def test_impossible_paper_counts_are_refused(bloc2020):
    w = bloc2020
    ballot = services.ballot_close(ballot=merit_ballot(w, method=BallotMethod.PAPER), by=w.leader)
    votes = {cand(ballot, c): 2 for c in ("TTr", "VKS", "BCHQS", "STP")}
    bad = [
        ({"issued": 9, "returned": 8, "invalid": 0, "votes": votes}, "only 8 units are present"),
        ({"issued": 8, "returned": 9, "invalid": 0, "votes": votes}, "More ballot papers returned"),
        ({"issued": 8, "returned": 8, "invalid": 9, "votes": votes}, "More invalid papers"),
        (
            {"issued": 8, "returned": 8, "invalid": 0, "votes": {**votes, cand(ballot, "TTr"): 9}},
            "are impossible with 8 valid",
        ),
        ({"issued": 8, "returned": 2, "invalid": 0, "votes": votes}, "exceed 2 valid papers × 3"),
        ({"issued": 8, "returned": 8, "invalid": 0, "votes": {cand(ballot, "TTr"): 2}}, "every candidate"),
    ]
    for kwargs, message in bad:
        with pytest.raises(ValidationError, match=message):
            services.ballot_record_paper(ballot=ballot, by=w.leader, **kwargs)
    ballot.refresh_from_db()
    assert ballot.paper_returned is None
    assert set(ballot.candidates.values_list("paper_votes", flat=True)) == {None}
    with pytest.raises(ValidationError, match="Enter the counts of the paper ballots"):
        services.ballot_tally(ballot=ballot, by=w.leader)


ALL_BUT_STP = [c for c in ALL if c != "STP"]
ALL_BUT_CAT = [c for c in ALL if c != "CAT"]


@pytest.mark.parametrize(
    ("present", "invalid", "approvals", "refusal"),
    [
        # every paper approving Công an tỉnh, its own too
        (ALL, 0, 8, "a unit may not vote for itself, so at most the 7 other units present approved it"),
        # 7/7: seven units present, Công an tỉnh among them
        (ALL_BUT_STP, 0, 7, "a unit may not vote for itself, so at most the 6 other units present approved it"),
        (ALL, 0, 7, None),  # every other unit approves it
        (ALL, 1, 7, None),  # 7 valid papers: the invalid one may be its own
        (ALL_BUT_CAT, 0, 7, None),  # absent, it cast no paper: 7/7 is possible
    ],
)
def test_paper_counts_respect_the_self_vote_rule(bloc2020, present, invalid, approvals, refusal):
    w = bloc2020
    ballot = services.ballot_close(ballot=flag_ballot(w, method=BallotMethod.PAPER, present=present), by=w.leader)
    n = len(present)
    record = {"issued": n, "returned": n, "invalid": invalid, "votes": {cand(ballot, "CAT"): approvals}}
    if refusal:
        with pytest.raises(ValidationError, match=refusal):
            services.ballot_record_paper(ballot=ballot, by=w.leader, **record)
        ballot.refresh_from_db()
        assert (ballot.paper_returned, ballot.candidates.get().paper_votes) == (None, None)
    else:
        services.ballot_record_paper(ballot=ballot, by=w.leader, **record)
        assert ballot.candidates.get().paper_votes == approvals


def test_where_a_unit_may_vote_for_itself_every_paper_may_approve_it(bloc2020):
    w = bloc2020
    w.year.settings_override = {"allow_self_vote": True}
    w.year.save()
    ballot = paper(w, flag_ballot(w, method=BallotMethod.PAPER), {"CAT": 8})
    assert outcomes(ballot) == {"CAT": (8, Outcome.ELECTED)}


# --- ties and run-offs -----------------------------------------------------------------------------------


def test_a_tie_at_the_quota_edge_goes_to_a_run_off(bloc2020):
    w = bloc2020
    ballot = merit_ballot(w)
    vote(
        w,
        ballot,
        {
            "CAT": ["TTr", "VKS", "BCHQS"],
            "TA": ["TTr", "VKS", "STP"],
            "CTHADS": ["TTr", "VKS", "BCHQS"],
            "BNCTU": ["TTr", "VKS", "STP"],
            "STP": ["TTr", "VKS", "BCHQS"],
            "BCHQS": ["TTr", "VKS", "STP"],
            "VKS": ["TTr", "BCHQS", "STP"],
            "TTr": ["VKS", "BCHQS", "STP"],
        },
    )
    ballot = count(w, ballot)
    assert outcomes(ballot) == {
        "TTr": (7, Outcome.ELECTED),
        "VKS": (7, Outcome.ELECTED),
        "BCHQS": (5, Outcome.RUNOFF),
        "STP": (5, Outcome.RUNOFF),
    }
    assert ballot.runoff_seats == 1
    services.ballot_publish(ballot=ballot, by=w.leader)

    runoff = services.ballot_runoff_create(ballot=ballot, by=w.leader)
    assert (runoff.round, runoff.quota, runoff.parent_id) == (2, 1, ballot.pk)
    assert [c.unit.code for c in runoff.candidates.all()] == ["BCHQS", "STP"]
    with pytest.raises(ValidationError, match="already exists"):
        services.ballot_runoff_create(ballot=ballot, by=w.leader)

    runoff = opened(w, runoff)
    vote(w, runoff, {c: ["BCHQS"] for c in ("CAT", "TA", "CTHADS", "BNCTU", "TTr")} | {"VKS": ["STP"]})
    runoff = services.ballot_publish(ballot=count(w, runoff), by=w.leader)
    assert outcomes(runoff) == {"BCHQS": (5, Outcome.ELECTED), "STP": (1, Outcome.BELOW_THRESHOLD)}
    assert sorted(Proposal.objects.values_list("unit__code", "votes")) == [("BCHQS", 5), ("TTr", 7), ("VKS", 7)]


def test_with_the_higher_score_rule_the_better_rank_breaks_the_tie(bloc2020):
    w = bloc2020
    w.year.settings_override = {"vote_tie_break": "higher_score"}
    w.year.save()
    ballot = paper(w, merit_ballot(w, method=BallotMethod.PAPER), {"TTr": 7, "VKS": 7, "BCHQS": 5, "STP": 5})
    assert outcomes(ballot) == {
        "TTr": (7, Outcome.ELECTED),
        "VKS": (7, Outcome.ELECTED),
        "BCHQS": (5, Outcome.ELECTED),  # ranked 4th, ahead of STP on group I
        "STP": (5, Outcome.NOT_ELECTED),
    }
    assert ballot.runoff_seats == 0


def test_more_over_the_threshold_than_the_quota(bloc2020):
    w = bloc2020
    ballot = paper(w, merit_ballot(w, method=BallotMethod.PAPER), {"TTr": 7, "VKS": 6, "BCHQS": 6, "STP": 5})
    assert outcomes(ballot) == {
        "TTr": (7, Outcome.ELECTED),
        "VKS": (6, Outcome.ELECTED),
        "BCHQS": (6, Outcome.ELECTED),
        "STP": (5, Outcome.NOT_ELECTED),
    }
    assert ballot.runoff_seats == 0


def test_too_few_over_the_threshold_offers_a_run_off_among_the_rest(bloc2020):
    w = bloc2020
    ballot = paper(w, merit_ballot(w, method=BallotMethod.PAPER), {"TTr": 6, "VKS": 4, "BCHQS": 3, "STP": 0})
    assert ballot.runoff_seats == 2
    runoff = services.ballot_runoff_create(ballot=ballot, by=w.leader)
    assert ([c.unit.code for c in runoff.candidates.all()], runoff.quota) == (["VKS", "BCHQS", "STP"], 2)


def test_no_run_off_when_none_is_needed(bloc2020):
    w = bloc2020
    ballot = paper(w, flag_ballot(w, method=BallotMethod.PAPER), {"CAT": 7})
    with pytest.raises(ValidationError, match="needs no run-off"):
        services.ballot_runoff_create(ballot=ballot, by=w.leader)


# --- the election and year N+1 ---------------------------------------------------------------------------


def test_the_confirmed_election_opens_next_year(bloc2020):
    from conference import demo as conference_demo

    conference_demo.seed()
    w = bloc2020
    ballot = opened(w, services.ballot_create_election(year=w.year, by=w.leader))
    vote(w, ballot, {c: [x for x in ("CAT", "TA") if x != c] for c in ALL})
    ballot = services.ballot_publish(ballot=count(w, ballot), by=w.leader)

    assert outcomes(ballot) == {"CAT": (7, Outcome.ELECTED), "TA": (7, Outcome.ELECTED)}
    nxt = EmulationYear.objects.get(bloc=w.year.bloc, year=2021)
    assert (nxt.leader.code, nxt.deputy.code) == ("CAT", "TA")
    assert LeaderTerm.objects.get(bloc=w.year.bloc, year=2021).source == LeaderSource.ELECTION
    assert nxt.criteria_table.criteria.count() == w.year.criteria_table.criteria.count()
    assert nxt.deadlines.filter(kind="self_assessment").get().due_at.year == 2021
    launch = nxt.deadlines.get(kind="launch_plan")
    assert (launch.audience, timezone.localtime(launch.due_at).date()) == (Audience.LEADER, datetime.date(2020, 12, 5))
    assert "giao ước" in launch.title
    w.year.refresh_from_db()
    assert w.year.phase == "proposal"  # the published election ends the conference
    covenant = nxt.deadlines.get(kind="covenant")
    assert covenant.title == "Đăng ký giao ước thi đua năm 2021"
    assert (covenant.audience, timezone.localtime(covenant.due_at).date()) == (
        Audience.MEMBERS,
        datetime.date(2020, 12, 20),
    )
    # the new leader runs 2021
    assert can(w.officers["CAT"], "blocs.calendar.edit", nxt)
    assert not can(w.officers["TTr"], "blocs.calendar.edit", nxt)


def test_an_election_that_fails_opens_nothing_and_the_board_overrides(bloc2020):
    w = bloc2020
    ballot = paper(
        w, opened(w, services.ballot_create_election(year=w.year, by=w.leader, method="paper")), {"CAT": 3, "TA": 6}
    )
    services.ballot_publish(ballot=ballot, by=w.leader)
    assert outcomes(ballot) == {"CAT": (3, Outcome.BELOW_THRESHOLD), "TA": (6, Outcome.ELECTED)}
    assert not EmulationYear.objects.filter(bloc=w.year.bloc, year=2021).exists()

    with pytest.raises(PermissionDenied):
        services.election_override(year=w.year, leader=w.units["TA"], deputy=None, reason="x", by=w.leader)
    with pytest.raises(ValidationError, match="Give the reason"):
        services.election_override(year=w.year, leader=w.units["TA"], deputy=None, reason=" ", by=w.board)
    services.election_override(
        year=w.year, leader=w.units["TA"], deputy=w.units["VKS"], reason="Hội nghị không thống nhất", by=w.board
    )
    nxt = EmulationYear.objects.get(bloc=w.year.bloc, year=2021)
    assert (nxt.leader.code, nxt.deputy.code) == ("TA", "VKS")
    assert LeaderTerm.objects.get(bloc=w.year.bloc, year=2021).source == LeaderSource.OVERRIDE


def test_the_election_puts_leaders_into_a_year_the_board_already_opened(bloc2020):
    from blocs.services import year_open_next

    w = bloc2020
    year_open_next(current=w.year, by=w.board, leader=w.units["VKS"], deputy=None)
    ballot = paper(
        w, opened(w, services.ballot_create_election(year=w.year, by=w.leader, method="paper")), {"CAT": 7, "TA": 7}
    )
    services.ballot_publish(ballot=ballot, by=w.leader)
    nxt = EmulationYear.objects.get(bloc=w.year.bloc, year=2021)
    assert (nxt.leader.code, nxt.deputy.code) == ("CAT", "TA")
    assert list(LeaderTerm.objects.filter(year=2021).order_by("id").values_list("source", flat=True)) == [
        LeaderSource.ROTATION,
        LeaderSource.ELECTION,
    ]


# --- proposals, dossier, decision ------------------------------------------------------------------------


def test_proposal_dossier_and_the_provinces_decision(bloc2020):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = bloc2020
    ballot = services.ballot_publish(ballot=paper(w, flag_ballot(w, method="paper"), {"CAT": 7}), by=w.leader)
    proposal = Proposal.objects.get()
    assert (proposal.unit.code, proposal.votes, proposal.ballot_id, proposal.status) == (
        "CAT",
        7,
        ballot.pk,
        ProposalStatus.PREPARING,
    )

    with pytest.raises(ValidationError, match="not complete: Report of achievements"):
        services.proposal_submit(proposal=proposal, by=w.leader)
    with pytest.raises(ValidationError, match="has not sent this dossier yet"):
        services.proposal_decide(proposal=proposal, approved=True, number="1/QĐ", date=None, by=w.board)
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf")
    services.dossier_upload(proposal=proposal, part="achievements", upload=pdf, by=w.leader)
    services.proposal_submit(proposal=proposal, by=w.leader)
    with pytest.raises(ValidationError, match="already sent"):
        services.proposal_submit(proposal=proposal, by=w.leader)

    with pytest.raises(PermissionDenied):
        services.proposal_decide(proposal=proposal, approved=True, number="1", date=None, by=w.leader)
    with pytest.raises(ValidationError) as missing:
        services.proposal_decide(proposal=proposal, approved=True, number=" ", date=None, by=w.board)
    assert set(missing.value.message_dict) == {"number", "date"}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.proposal_decide(proposal=proposal, approved=True, number="2156/QĐ-UBND", date=tomorrow, by=w.board)
    with pytest.raises(ValidationError) as no_reason:
        services.proposal_decide(proposal=proposal, approved=False, number="", date=None, note=" ", by=w.board)
    assert no_reason.value.message_dict == {"note": ["Give the reason the province did not approve the proposal."]}
    with pytest.raises(ValidationError) as half:
        services.proposal_decide(proposal=proposal, approved=False, number="9/QĐ", date=None, note="x", by=w.board)
    assert set(half.value.message_dict) == {"date"}
    services.proposal_decide(
        proposal=proposal, approved=True, number="2156/QĐ-UBND", date=datetime.date(2021, 1, 20), by=w.board
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_number, proposal.decision_date) == (
        ProposalStatus.APPROVED,
        "2156/QĐ-UBND",
        datetime.date(2021, 1, 20),
    )
    assert Proposal.objects.aggregate(n=Count("id"))["n"] == 1
