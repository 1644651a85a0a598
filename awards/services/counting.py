"""The ballot's lifecycle: draft → frozen → open → closed → tallied → published, never backwards; casting
(secret: the audit never records what a unit chose), counting, run-offs, and what publishing sets off."""

import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from blocs.enums import Phase
from blocs.models import EmulationYear
from blocs.pagecache import touch_bloc
from blocs.roles import facts
from blocs.selectors import members_in_year
from blocs.services import notify_unit, year_open_elected
from core.audit import audit
from core.i18n import later
from core.permissions import ensure_can

from ..enums import (
    BallotKind,
    BallotMethod,
    BallotStatus,
    CandidateRole,
    Outcome,
)
from ..models import Ballot, BallotCandidate, BallotChoice, BallotPaper, BallotVoter, Proposal
from ..selectors import denominator_count, online_counts, passes
from .ballots import _ensure_open_year, _locked, _require, _rules_from_settings

# --- the lifecycle ----------------------------------------------------------------------------------------


@transaction.atomic
def ballot_freeze(*, ballot: Ballot, by) -> Ballot:
    """Fix the candidates, the voters (every member unit of the year) and the rules in force."""
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    _ensure_open_year(ballot.year)
    _require(ballot, "freeze", BallotStatus.DRAFT)
    if not ballot.candidates.exists():
        raise ValidationError(_("A ballot needs at least one candidate."))
    members = list(members_in_year(bloc=ballot.year.bloc, year=ballot.year.year))
    _rules_from_settings(ballot)
    if ballot.kind == BallotKind.AWARD and ballot.round == 1:
        ballot.quota = ballot.award_kind.quota
    BallotVoter.objects.bulk_create(BallotVoter(ballot=ballot, unit=u) for u in members)
    ballot.member_count = len(members)
    ballot.status, ballot.frozen_at = BallotStatus.FROZEN, timezone.now()
    ballot.save()
    audit(
        by,
        "awards.ballot.frozen",
        ballot,
        voters=[u.pk for u in members],
        candidates=list(ballot.candidates.values_list("unit_id", flat=True)),
        rules={
            "quota": ballot.quota,
            "threshold_percent": str(ballot.threshold_percent),
            "strict": ballot.threshold_strict,
            "denominator": ballot.denominator,
            "quorum_percent": str(ballot.quorum_percent),
            "allow_self_vote": ballot.allow_self_vote,
        },
    )
    return ballot


@transaction.atomic
def ballot_open(*, ballot: Ballot, present_unit_ids: list[int], by) -> Ballot:
    """Record which member units are present and open the vote, if the quorum is reached."""
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    _ensure_open_year(ballot.year)
    _require(ballot, "open", BallotStatus.FROZEN)
    voters = list(ballot.voters.select_related("unit"))
    present = {v.unit_id for v in voters} & set(present_unit_ids)
    needed = ballot.quorum_percent * (ballot.member_count or 0)
    if Decimal(len(present) * 100) < needed:
        raise ValidationError(
            _(
                "Only %(present)s of the %(members)s member units are present; the quorum is %(quorum)s%%. "
                "The ballot cannot open."
            )
            % {"present": len(present), "members": ballot.member_count, "quorum": _percent(ballot.quorum_percent)}
        )
    for voter in voters:
        voter.present = voter.unit_id in present
    BallotVoter.objects.bulk_update(voters, ["present"])
    ballot.present_count = len(present)
    ballot.status, ballot.opened_at = BallotStatus.OPEN, timezone.now()
    ballot.save()
    _advance_phase(ballot.year, Phase.CONFERENCE)
    audit(by, "awards.ballot.opened", ballot, present=sorted(present))
    if ballot.method == BallotMethod.ONLINE:
        link = reverse(
            "awards:ballot-vote", kwargs={"slug": ballot.year.bloc.slug, "year": ballot.year.year, "pk": ballot.pk}
        )
        for voter in voters:
            if voter.unit_id in present:
                notify_unit(
                    voter.unit,
                    title=later(gettext_noop("Voting is open: %(title)s"), title=ballot.title),
                    body=later(gettext_noop("Cast your unit's ballot from this link before it closes.")),
                    link=link,
                    key=f"awards.ballot.opened:{ballot.pk}",
                )
    return ballot


PHASE_ORDER = list(Phase.values)


def _advance_phase(year: EmulationYear, phase: str) -> None:
    """The conference's first vote puts the year in its conference phase, the published election in the
    proposal phase; a year already further on (or closed) stays where it is."""
    if PHASE_ORDER.index(year.phase) < PHASE_ORDER.index(phase):
        EmulationYear.objects.filter(pk=year.pk).update(phase=phase, updated_at=timezone.now())
        touch_bloc(year.bloc_id)  # a queryset update sends no signal
        year.phase = phase


def _percent(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


@transaction.atomic
def ballot_cast(*, ballot: Ballot, candidate_ids: list[int], by) -> None:
    """Cast the voting user's unit's ballot: at most the quota of approvals among the candidates. The unit's
    row in the turnout register is marked in a conditional UPDATE, so of two casts at the same moment exactly
    one stores a paper; the paper itself carries no trace of the unit."""
    ensure_can(by, "awards.ballot.cast", ballot)
    unit_id = facts(by).unit_id
    ballot = _locked(ballot)
    if ballot.method != BallotMethod.ONLINE:
        raise ValidationError(_("This ballot is on paper: it is counted at the conference, not online."))
    if ballot.status in (BallotStatus.CLOSED, BallotStatus.TALLIED, BallotStatus.PUBLISHED):
        raise ValidationError(_("Voting on this ballot has closed."))
    if ballot.status != BallotStatus.OPEN:
        raise ValidationError(_("Voting on this ballot has not opened yet."))
    voter = BallotVoter.objects.filter(ballot=ballot, unit_id=unit_id).first()
    if voter is None:
        raise ValidationError(_("Your unit is not a member of the bloc this year: it has no vote on this ballot."))
    if not voter.present:
        raise ValidationError(_("Your unit was not recorded as present when the ballot opened, so it cannot vote."))
    if voter.voted_at is not None:
        raise ValidationError(_("Your unit has already voted on this ballot; a ballot cannot be changed."))
    chosen = list(dict.fromkeys(int(pk) for pk in candidate_ids))
    candidates = {c.pk: c for c in ballot.candidates.all()}
    if any(pk not in candidates for pk in chosen):
        raise ValidationError(_("You can only vote for the candidates on this ballot."))
    if len(chosen) > ballot.quota:
        raise ValidationError(
            _("You approved %(count)s units; this ballot allows at most %(quota)s.")
            % {"count": len(chosen), "quota": ballot.quota}
        )
    if not ballot.allow_self_vote and any(candidates[pk].unit_id == unit_id for pk in chosen):
        raise ValidationError(_("Under the bloc's rules a unit may not vote for itself."))
    updated = BallotVoter.objects.filter(pk=voter.pk, voted_at__isnull=True).update(voted_at=timezone.now(), cast_by=by)
    if updated != 1:
        raise ValidationError(_("Your unit has already voted on this ballot; a ballot cannot be changed."))
    _papers_rewrite(ballot, new=chosen)
    # never the choices, nor anything of a paper: the row says who voted and when, as the register does
    audit(by, "awards.ballot.cast", ballot, unit=unit_id)


def _papers_rewrite(ballot: Ballot, *, new: list[int]) -> None:
    """Add a paper by writing all the ballot's papers again, the new one among them, in a fresh random order
    with fresh random keys. The previous papers are deleted, so no column, no physical place in the table
    (SQLite's `rowid`, PostgreSQL's `ctid`) and no writing transaction (PostgreSQL's `xmin`: every paper now
    has this cast's) follows the order in which units voted; the register's `voted_at` keeps that order and
    shares nothing else with the papers. The cast holds the ballot's row lock, so casts rewrite one at a time;
    a ballot has a few dozen voters at most, so the cost is a handful of queries on a few dozen rows."""
    papers: dict = {}
    for paper_id, candidate_id in BallotPaper.objects.filter(ballot=ballot).values_list("id", "choices__candidate"):
        papers.setdefault(paper_id, [])
        if candidate_id is not None:  # an empty paper (no approval) is a paper too
            papers[paper_id].append(candidate_id)
    contents = [*papers.values(), list(new)]
    BallotPaper.objects.filter(ballot=ballot).delete()
    random.SystemRandom().shuffle(contents)
    rewritten = BallotPaper.objects.bulk_create(BallotPaper(ballot=ballot) for _ in contents)
    BallotChoice.objects.bulk_create(
        BallotChoice(paper=paper, candidate_id=pk)
        for paper, choices in zip(rewritten, contents, strict=True)
        for pk in sorted(choices)
    )


@transaction.atomic
def ballot_close(*, ballot: Ballot, by) -> Ballot:
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    _require(ballot, "close", BallotStatus.OPEN)
    ballot.status, ballot.closed_at = BallotStatus.CLOSED, timezone.now()
    ballot.save()  # the papers need no reshuffle: every cast left them in a fresh random order
    voted = ballot.voters.filter(voted_at__isnull=False).count()
    audit(by, "awards.ballot.closed", ballot, voted=voted, present=ballot.present_count)
    return ballot


@transaction.atomic
def ballot_record_paper(
    *, ballot: Ballot, issued: int, returned: int, invalid: int, votes: dict[int, int], by
) -> Ballot:
    """The vote-counting committee's figures for a paper ballot, entered by the leader after the close. Where the
    bloc forbids voting for oneself (as `ballot_cast` refuses online), a candidate whose unit was present had at most
    one approval from each other unit present, so at most min(valid papers, units present − 1)."""
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    if ballot.method != BallotMethod.PAPER:
        raise ValidationError(_("This ballot was cast online: its counts come from the units' ballots."))
    _require(ballot, "record", BallotStatus.CLOSED)
    errors = []
    present = ballot.present_count or 0
    if issued > present:
        errors.append(
            _("%(issued)s ballot papers issued, but only %(present)s units are present.")
            % {"issued": issued, "present": present}
        )
    if returned > issued:
        errors.append(
            _("More ballot papers returned (%(returned)s) than issued (%(issued)s).")
            % {"returned": returned, "issued": issued}
        )
    if invalid > returned:
        errors.append(
            _("More invalid papers (%(invalid)s) than papers returned (%(returned)s).")
            % {"invalid": invalid, "returned": returned}
        )
    valid = returned - invalid
    candidates = list(ballot.candidates.select_related("unit"))
    if set(votes) != {c.pk for c in candidates}:
        errors.append(_("Enter the number of approvals for every candidate."))
    present_units = (
        set() if ballot.allow_self_vote else set(ballot.voters.filter(present=True).values_list("unit_id", flat=True))
    )
    for c in candidates:
        n = votes.get(c.pk, 0)
        if n < 0 or n > valid:
            errors.append(
                _("%(unit)s: %(votes)s approvals are impossible with %(valid)s valid ballot papers.")
                % {"unit": c.unit.name, "votes": n, "valid": valid}
            )
        elif c.unit_id in present_units and n > present - 1:
            errors.append(
                _(
                    "%(unit)s: %(votes)s approvals are impossible: a unit may not vote for itself, so at most the "
                    "%(others)s other units present approved it."
                )
                % {"unit": c.unit.name, "votes": n, "others": present - 1}
            )
    if sum(votes.values()) > valid * ballot.quota:
        errors.append(
            _("%(total)s approvals in all exceed %(valid)s valid papers × %(quota)s allowed on each.")
            % {"total": sum(votes.values()), "valid": valid, "quota": ballot.quota}
        )
    if errors:
        raise ValidationError(errors)
    ballot.paper_issued, ballot.paper_returned, ballot.paper_invalid = issued, returned, invalid
    ballot.save()
    for c in candidates:
        c.paper_votes = votes[c.pk]
    BallotCandidate.objects.bulk_update(candidates, ["paper_votes"])
    audit(
        by,
        "awards.ballot.paper_recorded",
        ballot,
        issued=issued,
        returned=returned,
        invalid=invalid,
        votes={str(c.unit_id): votes[c.pk] for c in candidates},
    )
    return ballot


def _decide(ballot: Ballot, candidates: list[BallotCandidate], counts: dict[int, int]) -> int:
    """Set votes and outcome on each candidate; return the seats left for a run-off (0 if none)."""
    den = denominator_count(ballot)
    for c in candidates:
        c.votes = counts.get(c.pk, 0)
    if ballot.kind == BallotKind.ELECTION:
        for c in candidates:
            c.outcome = Outcome.ELECTED if passes(ballot, c.votes, den) else Outcome.BELOW_THRESHOLD
        return 0
    passed = sorted((c for c in candidates if passes(ballot, c.votes, den)), key=lambda c: -c.votes)
    for c in candidates:
        c.outcome = Outcome.BELOW_THRESHOLD
    quota = ballot.quota
    if len(passed) <= quota:
        for c in passed:
            c.outcome = Outcome.ELECTED
        left = quota - len(passed)
        below = [c for c in candidates if c.outcome == Outcome.BELOW_THRESHOLD]
        return left if left and below else 0
    edge = passed[quota - 1].votes
    if passed[quota].votes < edge:
        for c in passed[:quota]:
            c.outcome = Outcome.ELECTED
        for c in passed[quota:]:
            c.outcome = Outcome.NOT_ELECTED
        return 0
    above = [c for c in passed if c.votes > edge]
    at_edge = [c for c in passed if c.votes == edge]
    seats = quota - len(above)
    for c in above:
        c.outcome = Outcome.ELECTED
    for c in passed:
        if c.votes < edge:
            c.outcome = Outcome.NOT_ELECTED
    if ballot.year.setting("vote_tie_break") == "higher_score":
        by_rank = sorted(at_edge, key=lambda c: c.rank if c.rank is not None else 10_000)
        last_in, first_out = by_rank[seats - 1], by_rank[seats]
        if (last_in.rank or 10_000) < (first_out.rank or 10_000):
            cut = last_in.rank
            for c in by_rank:
                c.outcome = Outcome.ELECTED if (c.rank or 10_000) <= cut else Outcome.NOT_ELECTED
            return 0
        cut = last_in.rank or 10_000
        for c in by_rank:
            rank = c.rank or 10_000
            c.outcome = Outcome.ELECTED if rank < cut else (Outcome.RUNOFF if rank == cut else Outcome.NOT_ELECTED)
        return seats - sum(1 for c in by_rank if c.outcome == Outcome.ELECTED)
    for c in at_edge:
        c.outcome = Outcome.RUNOFF
    return seats


@transaction.atomic
def ballot_tally(*, ballot: Ballot, by) -> Ballot:
    """Count the approvals (from the anonymous papers, or the paper figures) and decide each candidate."""
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    _require(ballot, "tally", BallotStatus.CLOSED)
    candidates = list(ballot.candidates.all())
    if ballot.method == BallotMethod.PAPER:
        if ballot.paper_returned is None:
            raise ValidationError(_("Enter the counts of the paper ballots before counting."))
        counts = {c.pk: c.paper_votes or 0 for c in candidates}
    else:
        counts = online_counts(ballot)
    ballot.runoff_seats = _decide(ballot, candidates, counts)
    BallotCandidate.objects.bulk_update(candidates, ["votes", "outcome"])
    ballot.status, ballot.tallied_at = BallotStatus.TALLIED, timezone.now()
    ballot.save()
    audit(
        by,
        "awards.ballot.tallied",
        ballot,
        votes={str(c.unit_id): c.votes for c in candidates},
        runoff_seats=ballot.runoff_seats,
    )
    return ballot


@transaction.atomic
def ballot_publish(*, ballot: Ballot, by) -> Ballot:
    """Publish the results to the bloc. An award's elected units become proposals to the province; the
    election's confirmed leader opens next year."""
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    _require(ballot, "publish", BallotStatus.TALLIED)
    ballot.status, ballot.published_at = BallotStatus.PUBLISHED, timezone.now()
    ballot.save()
    elected = list(ballot.candidates.filter(outcome=Outcome.ELECTED).select_related("unit"))
    if ballot.kind == BallotKind.AWARD:
        for c in elected:
            Proposal.objects.get_or_create(
                award_kind=ballot.award_kind, unit=c.unit, defaults={"ballot": ballot, "votes": c.votes or 0}
            )
    else:
        leader = next((c.unit for c in elected if c.role == CandidateRole.LEADER), None)
        deputy = next((c.unit for c in elected if c.role == CandidateRole.DEPUTY), None)
        if leader is not None:
            year_open_elected(
                current=ballot.year,
                leader=leader,
                deputy=deputy,
                by=by,
                # the history of leaders is the bloc's record, kept in Vietnamese like its documents
                note="Hội nghị bầu, xác nhận ngày " + timezone.localdate(ballot.closed_at).strftime("%d/%m/%Y"),
            )
    if ballot.kind == BallotKind.ELECTION:
        _advance_phase(ballot.year, Phase.PROPOSAL)
    audit(by, "awards.ballot.published", ballot, elected=[c.unit_id for c in elected])
    link = reverse(
        "awards:ballot-detail", kwargs={"slug": ballot.year.bloc.slug, "year": ballot.year.year, "pk": ballot.pk}
    )
    for unit in members_in_year(bloc=ballot.year.bloc, year=ballot.year.year):
        notify_unit(
            unit,
            title=later(gettext_noop("Results published: %(title)s"), title=ballot.title),
            body=later(gettext_noop("The results of the ballot are now public to the bloc.")),
            link=link,
            key=f"awards.ballot.published:{ballot.pk}",
        )
    return ballot


@transaction.atomic
def ballot_runoff_create(*, ballot: Ballot, by) -> Ballot:
    """A run-off among the tied units (or, when too few passed the threshold, among those below it) for the
    seats still open. It is a new ballot of the next round, with its own lifecycle."""
    ensure_can(by, "awards.ballot.manage", ballot.year)
    ballot = _locked(ballot)
    if ballot.status not in (BallotStatus.TALLIED, BallotStatus.PUBLISHED):
        raise ValidationError(_("A run-off comes after the votes are counted."))
    if ballot.kind != BallotKind.AWARD or ballot.runoff_seats < 1:
        raise ValidationError(_("This ballot needs no run-off."))
    if ballot.runoffs.exists():
        raise ValidationError(_("The run-off of this ballot already exists."))
    tied = list(ballot.candidates.filter(outcome=Outcome.RUNOFF).select_related("unit"))
    pool = tied or list(ballot.candidates.filter(outcome=Outcome.BELOW_THRESHOLD).select_related("unit"))
    runoff = Ballot(
        year=ballot.year,
        kind=BallotKind.AWARD,
        award_kind=ballot.award_kind,
        round=ballot.round + 1,
        parent=ballot,
        method=ballot.method,
        quota=ballot.runoff_seats,
    )
    _rules_from_settings(runoff)
    runoff.save()
    BallotCandidate.objects.bulk_create(
        BallotCandidate(
            ballot=runoff, unit=c.unit, rank=c.rank, total=c.total, classification=c.classification, order=i
        )
        for i, c in enumerate(pool, start=1)
    )
    audit(by, "awards.ballot.runoff_created", runoff, parent=ballot.pk, candidates=[c.unit_id for c in pool])
    return runoff
