"""Reads of the awards app: eligible units, ballots with their turnout, results, proposals."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from blocs.models import EmulationYear
from blocs.roles import facts
from scoring.selectors import RankRow

from .enums import BallotStatus, Eligibility
from .models import AwardKind, AwardYearSettings, Ballot, BallotCandidate, BallotChoice, BallotVoter, Proposal


def ranking_is_published(year: EmulationYear) -> bool:
    table = getattr(year, "criteria_table", None)
    return table is not None and table.is_published


def top_classification(year: EmulationYear) -> str:
    bands = sorted(year.setting("classification_bands"), key=lambda b: b["min"], reverse=True)
    return bands[0]["label"] if bands else ""


def eligible_rows(kind: AwardKind, ranking: list[RankRow], kinds: list[AwardKind] | None = None) -> list[RankRow]:
    """The ranking rows an award kind proposes as candidates, best rank first.

    top_ranked: units of the top classification ranked within the quota (a tie at the edge brings both in);
    next_in_top_class: the rest of the top classification, after the units that a top_ranked kind ordered
    before this one takes; top_class: the whole top classification; any_member: everyone ranked."""
    top = top_classification(kind.year)
    in_top = [r for r in ranking if r.classification == top]
    if kind.eligibility == Eligibility.TOP_RANKED:
        return [r for r in in_top if r.rank <= kind.quota]
    if kind.eligibility == Eligibility.NEXT_IN_TOP_CLASS:
        kinds = kinds if kinds is not None else list(kind.year.award_kinds.all())
        taken = set()
        for other in kinds:
            if other.order < kind.order and other.eligibility == Eligibility.TOP_RANKED:
                taken |= {r.unit.pk for r in in_top if r.rank <= other.quota}
        return [r for r in in_top if r.unit.pk not in taken]
    if kind.eligibility == Eligibility.TOP_CLASS:
        return in_top
    return list(ranking)


def ballots_for_year(year: EmulationYear) -> QuerySet[Ballot]:
    """Every ballot of the year with its candidates and turnout, in a constant number of queries."""
    return (
        Ballot.objects.filter(year=year)
        .select_related("award_kind", "parent", "year")
        .prefetch_related(Prefetch("candidates", queryset=BallotCandidate.objects.select_related("unit")))
        .annotate(
            voter_count=Count("voters", distinct=True),
            present_voters=Count("voters", filter=Q(voters__present=True), distinct=True),
            voted_count=Count("voters", filter=Q(voters__voted_at__isnull=False), distinct=True),
        )
        .order_by("kind", "award_kind__order", "round", "id")
    )


@dataclass(frozen=True)
class Turnout:
    voters: int
    present: int
    voted: int

    @property
    def percent(self) -> int:
        return round(100 * self.voted / self.present) if self.present else 0


def turnout(ballot: Ballot) -> Turnout:
    """Who has voted so far, as numbers only: visible to everyone while the ballot is open."""
    if hasattr(ballot, "voted_count"):
        return Turnout(ballot.voter_count, ballot.present_voters, ballot.voted_count)
    row = ballot.voters.aggregate(
        voters=Count("id"),
        present=Count("id", filter=Q(present=True)),
        voted=Count("id", filter=Q(voted_at__isnull=False)),
    )
    return Turnout(row["voters"], row["present"], row["voted"])


def online_counts(ballot: Ballot) -> dict[int, int]:
    """Approvals per candidate from the anonymous papers. Only the tally calls this, after the close."""
    if ballot.status not in (BallotStatus.CLOSED, BallotStatus.TALLIED, BallotStatus.PUBLISHED):
        raise PermissionError("Counts are not readable before the ballot closes.")
    rows = BallotChoice.objects.filter(paper__ballot=ballot).values("candidate_id").annotate(n=Count("id"))
    return {row["candidate_id"]: row["n"] for row in rows}


def proposals_for_year(year: EmulationYear) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(award_kind__year=year)
        .select_related("award_kind", "unit", "ballot")
        .prefetch_related("files")
        .order_by("award_kind__order", "-votes", "unit__name")
    )


def threshold_votes(ballot: Ballot, denominator_count: int) -> int:
    """The smallest number of approvals that passes the threshold against `denominator_count`."""
    needed = 0
    while not passes(ballot, needed, denominator_count) and needed <= denominator_count:
        needed += 1
    return needed


def denominator_count(ballot: Ballot) -> int:
    return (ballot.present_count if ballot.denominator == "present" else ballot.member_count) or 0


def passes(ballot: Ballot, votes: int, denominator: int) -> bool:
    if denominator <= 0:
        return False
    share = votes * 100
    limit = ballot.threshold_percent * denominator
    return share > limit if ballot.threshold_strict else share >= limit


def ballot_voter_for(ballot: Ballot, user) -> BallotVoter | None:
    """The user's unit's row in the ballot's turnout register, if it has one."""
    unit_id = facts(user).unit_id
    if unit_id is None:
        return None
    return ballot.voters.filter(unit_id=unit_id).first()


# --- the legal bases the submissions cite --------------------------------------------------------------------


def legal_bases_in_force(day: datetime.date) -> list[str]:
    """The law on emulation and commendation in force on `day`, as settings.AWARDS_LEGAL_BASES lists it."""
    entries = sorted(settings.AWARDS_LEGAL_BASES, key=lambda entry: entry["from"])
    chosen = entries[0]
    for entry in entries:
        if datetime.date.fromisoformat(entry["from"]) <= day:
            chosen = entry
    return list(chosen["bases"])


def year_legal_bases(year: EmulationYear) -> list[str]:
    """The year's own legal bases (empty: it follows the law in force on each letter's date); one query."""
    return AwardYearSettings.objects.filter(year=year).values_list("legal_bases", flat=True).first() or []


def legal_bases_for(year: EmulationYear, day: datetime.date) -> list[str]:
    """What a submission of the year dated `day` cites: the year's own list, else the law in force that day."""
    return year_legal_bases(year) or legal_bases_in_force(day)


def legal_bases_reference_day(year: EmulationYear) -> datetime.date:
    """The day whose law the year's settings page shows as the default: the year's last day (its letters are
    written at the year-end conference)."""
    return datetime.date(year.year, 12, 31)
