"""Proposed against approved: what the blocs of a province proposed for an award at their year-end conferences and
what the province granted, per bloc and for the province, by award kind, and year after year.

Read in three queries whatever the number of blocs, years and proposals: the province's bloc-years, its blocs, and
the proposals counted in SQL grouped by year, bloc, award code and status.

What the figures mean (the same words as the board's dashboard, dashboards/selectors/board.py):
- proposed: every proposal the conference voted (whatever became of its dossier);
- sent: sent to the board (sent, approved or not approved);
- approved: approved by the province ("được tặng"); rejected: not approved; awaiting: sent and not decided yet.
The award kinds are grouped by their code: "flag" (Cờ thi đua của UBND tỉnh), "merit" (Bằng khen của Chủ tịch
UBND tỉnh), and every other code together ("other").

The decision is read from `Proposal.status` alone (filled by every way a decision is recorded).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from awards.enums import ProposalStatus
from awards.models import Proposal
from blocs.models import Bloc, EmulationYear, Province

FLAG, MERIT, OTHER = "flag", "merit", "other"
KINDS = (FLAG, MERIT, OTHER)
KIND_LABELS = {FLAG: _("Emulation flag"), MERIT: _("Certificate of Merit"), OTHER: _("Other awards")}
SENT = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.APPROVED, ProposalStatus.REJECTED})


def kind_of(code: str) -> str:
    """The group of an award kind's code: FLAG, MERIT or OTHER."""
    return code if code in (FLAG, MERIT) else OTHER


@dataclass
class Tally:
    """Proposals of one cell: how many were proposed, sent, approved and not approved."""

    proposed: int = 0
    sent: int = 0
    approved: int = 0
    rejected: int = 0

    def count(self, status: str, n: int) -> None:
        self.proposed += n
        if status in SENT:
            self.sent += n
        if status == ProposalStatus.APPROVED:
            self.approved += n
        elif status == ProposalStatus.REJECTED:
            self.rejected += n

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            self.proposed + other.proposed,
            self.sent + other.sent,
            self.approved + other.approved,
            self.rejected + other.rejected,
        )

    @property
    def awaiting(self) -> int:
        return self.sent - self.approved - self.rejected

    @property
    def approved_share(self) -> int | None:
        """Percentage of the proposals approved (None: nothing proposed)."""
        return round(100 * self.approved / self.proposed) if self.proposed else None


def _sum(tallies) -> Tally:
    total = Tally()
    for t in tallies:
        total = total + t
    return total


@dataclass
class KindTallies:
    """A tally per award group, and their total."""

    by_kind: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})

    @property
    def flag(self) -> Tally:
        return self.by_kind[FLAG]

    @property
    def merit(self) -> Tally:
        return self.by_kind[MERIT]

    @property
    def other(self) -> Tally:
        return self.by_kind[OTHER]

    @property
    def total(self) -> Tally:
        return _sum(self.by_kind.values())

    @property
    def cells(self) -> list[Tally]:
        """Flag, merit, other, total: the columns of the tables, in order."""
        return [self.flag, self.merit, self.other, self.total]

    def add(self, other: "KindTallies") -> None:
        for k in KINDS:
            self.by_kind[k] = self.by_kind[k] + other.by_kind[k]


@dataclass
class StatsRow(KindTallies):
    """One bloc in the year; `opened` False for a bloc that has not opened the year (no figures)."""

    bloc: Bloc | None = None
    opened: bool = True


@dataclass
class YearTotals(KindTallies):
    """The province in one year."""

    year: int = 0


@dataclass
class AwardStats:
    province: Province
    year: int
    rows: list[StatsRow]  # every bloc of the province in the year, by name
    total: KindTallies  # the province in the year
    history: list[YearTotals]  # every year some bloc opened, oldest first

    @property
    def open_rows(self) -> list[StatsRow]:
        return [r for r in self.rows if r.opened]


def award_stats(*, province: Province, year: int) -> AwardStats | None:
    """Proposed against approved in `year` per bloc (active blocs, and any other that opened that year) and for the
    province, by award group, with the province's figures of every year (three queries). None when no bloc of the
    province has opened `year`."""
    opened = list(EmulationYear.objects.filter(bloc__province=province).values_list("bloc_id", "year"))
    years = sorted({number for _bloc, number in opened})
    if year not in years:
        return None
    opened_now = {bloc_id for bloc_id, number in opened if number == year}
    blocs = Bloc.objects.filter(province=province).filter(Q(is_active=True) | Q(pk__in=opened_now)).order_by("name")
    counts = (
        Proposal.objects.filter(award_kind__year__bloc__province=province)
        .values_list("award_kind__year__year", "award_kind__year__bloc_id", "award_kind__code", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = {b.pk: StatsRow(bloc=b, opened=b.pk in opened_now) for b in blocs}
    history = {number: YearTotals(year=number) for number in years}
    for number, bloc_id, code, status, n in counts:
        history[number].by_kind[kind_of(code)].count(status, n)
        if number == year and bloc_id in rows:
            rows[bloc_id].by_kind[kind_of(code)].count(status, n)
    return AwardStats(
        province=province,
        year=year,
        rows=list(rows.values()),
        total=history[year],
        history=[history[number] for number in years],
    )
