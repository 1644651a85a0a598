"""The database reader cannot link a unit to its ballot paper, while the vote is open or after it closed.

The test plays someone who can run any query on the database: it orders the turnout register (by `voted_at`,
by `id`, physically: `rowid` on SQLite, `ctid` and the writing transaction `xmin` on PostgreSQL) and the audit
log's rows of the casts, and the ballot's papers and approvals (by every column, physically, by `xmin`); it pairs
each order of voters with each order of papers position by position (and in reverse), and counts how many units
that pairing gets right. Each unit approves a set of candidates no other unit approves, so every paper names its
voter and a correct pairing is a broken secret. (What one reading cannot give, two can: a reader who copies the
papers before and after one cast sees which paper is new. That is the price of counting from stored papers.)

Why the assertion can neither pass nor fail by luck: a single trial of 8 voters could line up by chance (one
pairing in 8! = 40 320 is right everywhere, and one right link is what a random pairing gets on average), so the
test casts `TRIALS` ballots, each in a fresh random casting order with fresh random choices (fixed seeds, so a
failure replays), and judges each pairing over all of them together:

- the links it gets right in all trials together must stay under half of all links (`TRIALS × 8 / 2` = 48). A
  pairing that follows the casting order gets all 96 right in every run, so a leak always fails; random papers get
  12 on average (about one per trial, variance about one per trial), and reaching 48 by chance has a probability
  below 10⁻¹⁵;
- the mean Spearman correlation between the two orders over the trials must stay within ±0.6. A systematic
  order (forwards or backwards, even a partial one) sits near ±1; for random orders of 8 the mean of 12 trials has
  a standard deviation of 1/√(7 × 12) ≈ 0.11, so ±0.6 is 5.5 of them (a chance failure below 10⁻⁷ per pairing);
- no position may be linked in every trial: a design that, say, always wrote the newest paper last would give
  away the last voter (and only it, which the two sums above would miss) in all 12 trials; by chance a position
  links in all 12 with a probability of 8⁻¹² ≈ 10⁻¹¹.
"""

import random
from dataclasses import dataclass, field
from itertools import combinations

import pytest
from django.db import connection
from django.utils import translation

from awards import services
from awards.enums import BallotMethod, Eligibility
from awards.models import AwardKind, Ballot, BallotChoice, BallotPaper, BallotVoter
from core.models import AuditLog

TRIALS = 12
VOTERS = 8  # the demo bloc's member units, each voting on every trial ballot
SEED = 20201105


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def physical_orders() -> dict[str, str]:
    """The orders a reader gets without any column: the row's place in the table and, on PostgreSQL, the
    transaction that wrote it."""
    if connection.vendor == "postgresql":
        return {"ctid": "ctid", "xmin": "xmin::text::bigint"}
    return {"rowid": "rowid"}


def ordered(model, where: str, params: list, order: str, select: str) -> list:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM {table} WHERE {where} ORDER BY {order}", params)
        return [row[0] for row in cursor.fetchall()]


def column_orders(model) -> dict[str, str]:
    columns = {f.column: connection.ops.quote_name(f.column) for f in model._meta.concrete_fields}
    return {**columns, **physical_orders()}


def register_orders(ballot: Ballot) -> dict[str, list[int]]:
    """The units that voted, in each order the turnout register can be read in."""
    orders = {"voted_at": "voted_at", "id": "id", **physical_orders()}
    registers = {
        f"register by {name}": ordered(
            BallotVoter, "ballot_id = %s AND voted_at IS NOT NULL", [ballot.pk], order, "unit_id"
        )
        for name, order in orders.items()
    }
    casts = AuditLog.objects.filter(action="awards.ballot.cast", target_id=str(ballot.pk)).order_by("id")
    registers["audit log by id"] = [data["unit"] for data in casts.values_list("data", flat=True)]
    return registers


def paper_orders(ballot: Ballot, voter_of: dict[frozenset[int], int]) -> dict[str, list[int]]:
    """The voters the papers name, in each order the papers or their approvals can be read in."""
    choices = {}
    for paper_id, candidate_id in BallotChoice.objects.filter(paper__ballot=ballot).values_list(
        "paper_id", "candidate_id"
    ):
        choices.setdefault(str(paper_id).replace("-", ""), set()).add(candidate_id)
    unit_of_paper = {paper: voter_of[frozenset(ids)] for paper, ids in choices.items()}

    def units(paper_ids: list) -> list[int]:
        seen = list(dict.fromkeys(str(p).replace("-", "") for p in paper_ids))
        return [unit_of_paper[p] for p in seen]

    orders = {}
    for name, order in column_orders(BallotPaper).items():
        orders[f"papers by {name}"] = units(ordered(BallotPaper, "ballot_id = %s", [ballot.pk], order, "id"))
    choice_table = connection.ops.quote_name(BallotChoice._meta.db_table)
    paper_table = connection.ops.quote_name(BallotPaper._meta.db_table)
    for name, order in column_orders(BallotChoice).items():
        qualified = f"{choice_table}.{order}"  # the join makes `rowid`, `ctid` and `xmin` ambiguous
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {choice_table}.paper_id FROM {choice_table} "
                f"JOIN {paper_table} ON {paper_table}.id = {choice_table}.paper_id "
                f"WHERE {paper_table}.ballot_id = %s ORDER BY {qualified}",
                [ballot.pk],
            )
            orders[f"approvals by {name}"] = units([row[0] for row in cursor.fetchall()])
    return orders


def spearman(a: list[int], b: list[int]) -> float:
    """Rank correlation of two orders of the same units (no ties: each is a permutation)."""
    n = len(a)
    where = {unit: i for i, unit in enumerate(b)}
    d2 = sum((i - where[unit]) ** 2 for i, unit in enumerate(a))
    return 1 - 6 * d2 / (n * (n * n - 1))


@dataclass
class Tally:
    """One pairing of a register's order with a papers' order, over the trials: the right links at each
    position, read forwards and backwards, and the mean rank correlation."""

    at: list[int] = field(default_factory=lambda: [0] * VOTERS)
    reverse_at: list[int] = field(default_factory=lambda: [0] * VOTERS)
    rho: float = 0.0

    def add(self, register: list[int], papers: list[int]) -> None:
        assert sorted(register) == sorted(papers)  # the reader sees every paper and every voter
        for i, (r, p, q) in enumerate(zip(register, papers, reversed(papers), strict=True)):
            self.at[i] += r == p
            self.reverse_at[i] += r == q
        self.rho += spearman(register, papers) / TRIALS

    def linked(self) -> bool:
        half = TRIALS * VOTERS // 2
        return (
            sum(self.at) >= half
            or sum(self.reverse_at) >= half
            or abs(self.rho) >= 0.6
            or max(self.at + self.reverse_at) >= TRIALS
        )


def test_no_query_links_a_unit_to_its_paper_during_or_after_the_vote(bloc2020):
    w = bloc2020
    members = list(w.units.values())
    assert len(members) == VOTERS
    unit_code = {u.pk: code for code, u in w.units.items()}
    moments = ("open", "closed")
    tallies: dict[tuple[str, str, str], Tally] = {}
    for trial in range(TRIALS):
        rng = random.Random(SEED + trial)
        kind = AwardKind.objects.create(
            year=w.year, code=f"trial{trial}", name=f"Trial {trial}", quota=3, eligibility=Eligibility.ANY_MEMBER
        )
        ballot = services.ballot_create_award(award_kind=kind, by=w.leader, method=BallotMethod.ONLINE)
        ballot = services.ballot_freeze(ballot=ballot, by=w.leader)
        ballot = services.ballot_open(ballot=ballot, present_unit_ids=[u.pk for u in members], by=w.leader)
        candidate_of = dict(ballot.candidates.values_list("unit_id", "pk"))
        order = rng.sample(members, len(members))
        voter_of: dict[frozenset[int], int] = {}
        for unit in order:  # a set of approvals nobody else chose, never its own unit (the bloc's rule)
            others = [candidate_of[u.pk] for u in members if u.pk != unit.pk]
            options = [frozenset(c) for size in (1, 2, 3) for c in combinations(others, size)]
            chosen = rng.choice([c for c in options if c not in voter_of])
            voter_of[chosen] = unit.pk
            services.ballot_cast(ballot=ballot, candidate_ids=sorted(chosen), by=w.officers[unit_code[unit.pk]])
        for moment in moments:
            if moment == "closed":
                ballot = services.ballot_close(ballot=ballot, by=w.leader)
            registers = register_orders(ballot)
            assert registers["register by voted_at"] == [u.pk for u in order]  # the register does keep the order
            for r_name, register in registers.items():
                for p_name, papers in paper_orders(ballot, voter_of).items():
                    tallies.setdefault((moment, r_name, p_name), Tally()).add(register, papers)

    linked = {key: (t.at, t.reverse_at, round(t.rho, 2)) for key, t in tallies.items() if t.linked()}
    assert linked == {}, f"right links by position in {TRIALS} trials (forwards, backwards), and the mean ρ"
    papers = {pk.hex for pk in BallotPaper.objects.values_list("id", flat=True)}
    written = AuditLog.objects.filter(action__startswith="awards.ballot.")
    assert not written.filter(target_type__in=["awards.ballotpaper", "awards.ballotchoice"]).exists()
    assert not [row for row in written.values_list("data", flat=True) if any(p in str(row) for p in papers)]
    assert {moment for moment, _r, _p in tallies} == set(moments)
    assert len(tallies) == len(moments) * len(registers) * len(paper_orders(ballot, voter_of))
