"""Rules of the awards app: members vote and read published results; the leader runs the ballots and the
dossier; the board reads everything, overrides the election and records the province's decisions. Nobody
reads counts before the ballot is counted."""

from blocs.permissions import knows_province, knows_year_of
from blocs.roles import facts, is_board_of, is_leader, is_member
from core.permissions import hidden_unless, rule

from .enums import BallotStatus
from .models import AwardDecision, AwardKind, Ballot, Proposal, SubmissionLetter, VoteCountMinutes


def _board(user, year) -> bool:
    return is_board_of(user, year.bloc.province_id)


@rule("awards.view")
def may_view(user, year) -> bool:
    """The year's ballots with their turnout, and published results: the members and the board."""
    return _board(user, year) or is_member(user, year)


@rule("awards.ballot.manage")
def may_manage_ballots(user, year) -> bool:
    return not year.is_closed and is_leader(user, year)


@rule("awards.ballot.cast")
def may_cast(user, ballot) -> bool:
    """An officer of a member unit of the year (whether the ballot is open is the service's to say)."""
    return facts(user).is_officer and is_member(user, ballot.year) and not ballot.year.is_closed


@rule("awards.ballot.results")
def may_read_results(user, ballot) -> bool:
    """Counts exist only once the ballot is counted: the leader (who publishes) and the board see them then,
    the members once they are published."""
    year = ballot.year
    if ballot.status == BallotStatus.PUBLISHED:
        return _board(user, year) or is_member(user, year)
    if ballot.status == BallotStatus.TALLIED:
        return _board(user, year) or is_leader(user, year)
    return False


@rule("awards.election.override")
def may_override_election(user, year) -> bool:
    return not year.is_closed and _board(user, year)


@rule("awards.dossier.manage")
def may_manage_dossier(user, year) -> bool:
    return not year.is_closed and is_leader(user, year)


@rule("awards.dossier.view")
def may_view_dossier(user, proposal) -> bool:
    """A proposal's dossier files: the leader, the board and the proposed unit."""
    year = proposal.award_kind.year
    return _board(user, year) or is_leader(user, year) or facts(user).unit_id == proposal.unit_id


@rule("awards.decision.record")
def may_record_decision(user, year) -> bool:
    return _board(user, year)


@rule("awards.decision.province")
def may_decide_for_province(user, province) -> bool:
    """The province's proposals of a year across its blocs, its decisions recorded for many proposals at once
    (the form and the Excel import) and their files: the province's board. Another province's board does not
    even know the province's pages exist (404); an officer of the province is refused (403)."""
    return province is not None and is_board_of(user, province.pk)


# --- the documents the bloc issues: the vote-count minutes and the submission letters --------------------------


@rule("awards.documents.issue")
def may_issue_minutes(user, year) -> bool:
    """Issue (number and freeze) and correct the year's vote-count minutes: the leader unit, until the year closes."""
    return not year.is_closed and is_leader(user, year)


@rule("awards.minutes.document")
def may_read_minutes(user, minutes) -> bool:
    """The minutes record only published results: whoever reads the year's results."""
    return may_view(user, minutes.year)


@rule("awards.letter.issue")
def may_issue_letter(user, proposal) -> bool:
    return may_manage_dossier(user, proposal.award_kind.year)


@rule("awards.letter.document")
def may_read_letter(user, letter) -> bool:
    return may_view_dossier(user, letter.proposal)


@rule("awards.legal_bases.edit")
def may_edit_legal_bases(user, year) -> bool:
    """The legal bases the year's submissions cite: the leader unit, who writes them, and the board, who reads
    them; until the year closes."""
    return not year.is_closed and (_board(user, year) or is_leader(user, year))


hidden_unless(AwardKind, knows_year_of)
hidden_unless(Ballot, knows_year_of)
hidden_unless(Proposal, lambda user, proposal: knows_year_of(user, proposal.award_kind))
hidden_unless(VoteCountMinutes, knows_year_of)
hidden_unless(SubmissionLetter, lambda user, letter: knows_year_of(user, letter.proposal.award_kind))
hidden_unless(AwardDecision, lambda user, decision: knows_province(user, decision.province))
