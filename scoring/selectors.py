"""Reads of the scoring app that compute: the criteria tree, sheets, deadlines, and the ranking (one query)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When, Window
from django.db.models.functions import Coalesce, Least, Rank
from django.utils import timezone

from blocs.enums import Audience, DeadlineKind
from blocs.models import Deadline, EmulationYear, Unit
from blocs.selectors import members_in_year

from . import wording
from .enums import CriterionKind, SheetStatus
from .models import CriteriaTable, Criterion, Score, Sheet, reviewer_unit_id

ZERO = Decimal("0")
DEC = DecimalField(max_digits=9, decimal_places=2)


def criteria_tree(table: CriteriaTable) -> list[Criterion]:
    """Every node in display order (a node's children follow it), in one query."""
    nodes = list(table.criteria.all().order_by("order", "id"))
    children: dict[int | None, list[Criterion]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Criterion] = []

    def walk(parent_id):
        for child in children.get(parent_id, []):
            ordered.append(child)
            walk(child.pk)

    walk(None)
    return ordered


def scored_leaves(tree: list[Criterion]) -> list[Criterion]:
    """The scored criteria of a tree from criteria_tree, in the table's order (order, id), without a query."""
    return sorted((node for node in tree if node.is_leaf), key=lambda node: (node.order, node.pk))


def table_for_year(year: EmulationYear) -> CriteriaTable | None:
    return CriteriaTable.objects.filter(year=year).first()


def self_assessment_deadline(*, year: EmulationYear, unit: Unit | None = None) -> Deadline | None:
    """The self-assessment deadline that binds a unit: its own (an extension) if any, else the members'."""
    deadlines = Deadline.objects.filter(year=year, kind=DeadlineKind.SELF_ASSESSMENT)
    if unit is not None:
        own = deadlines.filter(audience=Audience.UNIT, unit=unit).order_by("-due_at").first()
        if own is not None:
            return own
    return deadlines.filter(audience=Audience.MEMBERS).order_by("-due_at").first()


def self_assessment_due(year_id, unit_id):
    """The due date of self_assessment_deadline(year=…, unit=…) as an expression, to read it with the query that
    loads the year or the sheet (year_id and unit_id: values or OuterRef): the unit's own latest, else the
    members' latest (due_at is never NULL, so the unit's own wins whenever it has one)."""

    def latest(**where):
        deadlines = Deadline.objects.filter(year_id=year_id, kind=DeadlineKind.SELF_ASSESSMENT, **where)
        return Subquery(deadlines.order_by("-due_at").values("due_at")[:1])

    return Coalesce(latest(audience=Audience.UNIT, unit_id=unit_id), latest(audience=Audience.MEMBERS))


def table_is_frozen(table: CriteriaTable) -> bool:
    """A table is frozen once self-scoring opens (its deadline opens) or a sheet has been submitted."""
    deadline = self_assessment_deadline(year=table.year)
    if deadline is not None and deadline.opens_at is not None and deadline.opens_at <= timezone.now():
        return True
    return Sheet.objects.filter(year_id=table.year_id, submitted_at__isnull=False).exists()


def _sum(kind: str, points, first_group=None):
    condition = Q(scores__criterion__kind=kind)
    if first_group is not None:
        condition &= Q(scores__criterion__group_id=first_group)
    return Coalesce(
        Sum(Case(When(condition, then=points), default=Value(ZERO), output_field=DEC)), Value(ZERO), output_field=DEC
    )


TIE_BREAKS = {
    "group_first": lambda: F("first_group_total").desc(),
    "fewer_deductions": lambda: F("deductions").asc(),
    "higher_bonus": lambda: F("bonus").desc(),
}


@dataclass
class RankRow:
    sheet: Sheet
    unit: Unit
    rank: int
    self_total: Decimal
    reviewed_total: Decimal
    standard: Decimal
    bonus: Decimal
    deductions: Decimal
    first_group_total: Decimal
    classification: str
    extra: dict = field(default_factory=dict)


def classify(total: Decimal, bands: list[dict]) -> str:
    for band in sorted(bands, key=lambda b: b["min"], reverse=True):
        if total >= Decimal(str(band["min"])):
            return band["label"]
    return bands[-1]["label"] if bands else ""


def _per_year(years: list[EmulationYear], key: str):
    """A setting of each year as an SQL value: a plain value when every year agrees, else one WHEN per value."""
    groups: dict[Decimal, list[int]] = {}
    for year in years:
        groups.setdefault(Decimal(str(year.setting(key))), []).append(year.pk)
    if len(groups) == 1:
        return Value(next(iter(groups)), output_field=DEC)
    return Case(*[When(year_id__in=ids, then=Value(v)) for v, ids in groups.items()], output_field=DEC)


def totals_queryset(years: list[EmulationYear]) -> QuerySet[Sheet]:
    """All sheets of the years that were submitted at least once, with their totals (not ranked), in one SQL
    query: standard, bonus and deductions (each up to its year's cap), reviewed_total, self_total and
    first_group_total. Total = standard points + bonus up to its cap − deductions up to theirs, where a reviewed
    value replaces the unit's own. The years need their bloc loaded unless they override the caps."""
    if not years:
        return Sheet.objects.none()
    bonus_cap, deduction_cap = _per_year(years, "bonus_cap"), _per_year(years, "deduction_cap")
    reviewed = Coalesce("scores__reviewed_points", "scores__self_points", Value(ZERO), output_field=DEC)
    own = Coalesce("scores__self_points", Value(ZERO), output_field=DEC)
    # With one year, tied to its id rather than to each row's (OuterRef): PostgreSQL then runs it once for the
    # query instead of once per score row (600 times for a bloc of 20 units and 40 criteria).
    year_id = years[0].pk if len(years) == 1 else OuterRef("year_id")
    first_group = Subquery(
        Criterion.objects.filter(table__year_id=year_id, parent__isnull=True, kind=CriterionKind.STANDARD)
        .order_by("order", "id")
        .values("id")[:1]
    )
    return (
        Sheet.objects.filter(year__in=years, submitted_at__isnull=False)
        .select_related("unit")
        .annotate(
            standard=_sum(CriterionKind.STANDARD, reviewed),
            bonus_raw=_sum(CriterionKind.BONUS, reviewed),
            deductions_raw=_sum(CriterionKind.DEDUCTION, reviewed),
            self_standard=_sum(CriterionKind.STANDARD, own),
            self_bonus_raw=_sum(CriterionKind.BONUS, own),
            self_deductions_raw=_sum(CriterionKind.DEDUCTION, own),
            first_group_total=_sum(CriterionKind.STANDARD, reviewed, first_group=first_group),
        )
        .annotate(
            bonus=Least("bonus_raw", bonus_cap, output_field=DEC),
            deductions=Least("deductions_raw", deduction_cap, output_field=DEC),
            self_bonus=Least("self_bonus_raw", bonus_cap, output_field=DEC),
            self_deductions=Least("self_deductions_raw", deduction_cap, output_field=DEC),
        )
        .annotate(
            reviewed_total=F("standard") + F("bonus") - F("deductions"),
            self_total=F("self_standard") + F("self_bonus") - F("self_deductions"),
        )
    )


def ranking_queryset(year: EmulationYear):
    """All sheets of the year that were submitted at least once, with their totals (totals_queryset) and rank,
    in one SQL query."""
    order = [F("reviewed_total").desc()] + [
        TIE_BREAKS[key]() for key in year.setting("tie_break_order") if key in TIE_BREAKS
    ]
    return (
        totals_queryset([year]).annotate(rank=Window(expression=Rank(), order_by=order)).order_by("rank", "unit__name")
    )


def ranking_for_year(year: EmulationYear) -> list[RankRow]:
    bands = year.setting("classification_bands")
    two = Decimal("0.01")
    rows = []
    for a in ranking_queryset(year):
        total = Decimal(a.reviewed_total).quantize(two)
        rows.append(
            RankRow(
                sheet=a,
                unit=a.unit,
                rank=a.rank,
                self_total=Decimal(a.self_total).quantize(two),
                reviewed_total=total,
                standard=Decimal(a.standard).quantize(two),
                bonus=Decimal(a.bonus).quantize(two),
                deductions=Decimal(a.deductions).quantize(two),
                first_group_total=Decimal(a.first_group_total).quantize(two),
                classification=classify(total, bands),
            )
        )
    return rows


def sheet_totals(tree: list[Criterion], points: dict[int, Decimal | None], *, bonus_cap, deduction_cap) -> dict:
    """Totals by group and overall for a sheet being typed (no query: the tree is already loaded)."""
    groups: dict[int, Decimal] = {}
    by_kind = {CriterionKind.STANDARD: ZERO, CriterionKind.BONUS: ZERO, CriterionKind.DEDUCTION: ZERO}
    for node in tree:
        if not node.is_leaf:
            continue
        value = points.get(node.pk) or ZERO
        groups[node.group_id] = groups.get(node.group_id, ZERO) + value
        by_kind[node.kind] += value
    bonus = min(by_kind[CriterionKind.BONUS], Decimal(str(bonus_cap)))
    deductions = min(by_kind[CriterionKind.DEDUCTION], Decimal(str(deduction_cap)))
    return {
        "groups": groups,
        "standard": by_kind[CriterionKind.STANDARD],
        "bonus": bonus,
        "bonus_raw": by_kind[CriterionKind.BONUS],
        "deductions": deductions,
        "deductions_raw": by_kind[CriterionKind.DEDUCTION],
        "total": by_kind[CriterionKind.STANDARD] + bonus - deductions,
    }


@dataclass
class ReviewRow:
    unit: Unit
    sheet: Sheet | None
    status: str
    status_label: str
    self_total: Decimal | None
    reviewed_total: Decimal | None
    reviewer_is_deputy: bool

    @property
    def badges(self) -> list[wording.Badge]:
        return wording.sheet_badges(self.sheet)


def review_list(year: EmulationYear) -> list[ReviewRow]:
    """Every member of the year with its sheet's status and totals: a fixed number of queries."""
    members = list(members_in_year(bloc=year.bloc, year=year.year))
    sheets = {a.unit_id: a for a in Sheet.objects.filter(year=year)}
    totals = {a.unit_id: a for a in ranking_queryset(year)}
    rows = []
    for unit in members:
        sheet = sheets.get(unit.pk)
        ranked = totals.get(unit.pk)
        sent = sheet is not None and sheet.is_sent
        status = wording.sheet_status(sheet)
        rows.append(
            ReviewRow(
                unit=unit,
                sheet=sheet,
                status=status,
                status_label=wording.status_label(status),
                # A sheet never sent is the unit's own draft: its status only, not its points.
                self_total=Decimal(ranked.self_total).quantize(Decimal("0.01")) if ranked and sent else None,
                reviewed_total=Decimal(ranked.reviewed_total).quantize(Decimal("0.01")) if ranked and sent else None,
                reviewer_is_deputy=reviewer_unit_id(year, unit.pk) != year.leader_id,
            )
        )
    return rows


def scores_by_criterion(sheet: Sheet) -> dict[int, Score]:
    return {s.criterion_id: s for s in sheet.scores.prefetch_related("evidence").all()}


def publishable(year: EmulationYear) -> tuple[bool, list[Unit]]:
    """The ranking can be published once no sheet waits for review or correction."""
    waiting = [
        a.unit
        for a in Sheet.objects.filter(
            year=year, status__in=[SheetStatus.SUBMITTED, SheetStatus.REVIEWED, SheetStatus.RETURNED]
        ).select_related("unit")
    ]
    has_final = Sheet.objects.filter(year=year, status=SheetStatus.FINAL).exists()
    return (has_final and not waiting), waiting
