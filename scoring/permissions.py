"""Rules of the scoring app (design §3): the unit fills its own sheet; the leader reviews every other
unit's sheet and the deputy reviews the leader's; members see the ranking once it is published."""

from blocs.models import EmulationYear
from blocs.permissions import knows_year_of
from blocs.roles import facts, is_board_of, is_deputy, is_leader, is_member
from core.permissions import hidden_unless, rule

from .models import CriteriaTable, Evidence, Sheet
from .selectors import table_is_frozen


def _board(user, year: EmulationYear) -> bool:
    return is_board_of(user, year.bloc.province_id)


@rule("scoring.table.view")
def may_view_table(user, year: EmulationYear) -> bool:
    return _board(user, year) or is_member(user, year)


@rule("scoring.table.edit")
def may_edit_table(user, table: CriteriaTable) -> bool:
    """The leader until self-scoring opens; after that only the board (every change is audited)."""
    year = table.year
    if year.is_closed:
        return False
    if _board(user, year):
        return True
    return is_leader(user, year) and not table_is_frozen(table)


@rule("scoring.sheet.fill")
def may_fill_sheet(user, sheet: Sheet) -> bool:
    year = sheet.year
    return (
        not year.is_closed
        and facts(user).unit_id == sheet.unit_id
        and is_member(user, year)
        and sheet.is_editable_by_unit
    )


def is_reviewer(user, sheet: Sheet) -> bool:
    """No unit reviews its own sheet: the deputy reviews the leader's, the leader every other one."""
    year = sheet.year
    return is_deputy(user, year) if sheet.reviewed_by_deputy else is_leader(user, year)


def is_own_sheet(user, sheet: Sheet) -> bool:
    return facts(user).unit_id == sheet.unit_id and is_member(user, sheet.year)


@rule("scoring.sheet.view")
def may_view_sheet(user, sheet: Sheet) -> bool:
    """The unit's own, always; the board and the reviewer only once it was sent (a draft is the unit's own: the
    leader is itself a ranked unit, and nobody reads another unit's work before it is handed in)."""
    if is_own_sheet(user, sheet):
        return True
    return sheet.is_sent and (_board(user, sheet.year) or is_reviewer(user, sheet))


@rule("scoring.sheet.review")
def may_review_sheet(user, sheet: Sheet) -> bool:
    return not sheet.year.is_closed and is_reviewer(user, sheet)


@rule("scoring.review.list")
def may_list_reviews(user, year: EmulationYear) -> bool:
    return _board(user, year) or is_leader(user, year) or is_deputy(user, year)


@rule("scoring.ranking.view")
def may_view_ranking(user, year: EmulationYear) -> bool:
    if _board(user, year) or is_leader(user, year) or is_deputy(user, year):
        return True
    table = getattr(year, "criteria_table", None)
    return is_member(user, year) and table is not None and table.is_published


@rule("scoring.ranking.publish")
def may_publish_ranking(user, year: EmulationYear) -> bool:
    return not year.is_closed and is_leader(user, year)


@rule("scoring.evidence.download")
def may_download_evidence(user, evidence: Evidence) -> bool:
    return may_view_sheet(user, evidence.score.sheet)


hidden_unless(CriteriaTable, knows_year_of)
hidden_unless(Sheet, "scoring.sheet.view")
hidden_unless(Evidence, lambda user, evidence: may_view_sheet(user, evidence.score.sheet))
