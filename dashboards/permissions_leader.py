"""Rule of the leader unit's dashboard: the year's leader unit, and the province's board, which reads it too."""

from blocs.models import EmulationYear
from blocs.roles import is_board_of, is_leader
from core.permissions import rule


@rule("dashboards.leader.view")
def may_view_leader_dashboard(user, year: EmulationYear) -> bool:
    return is_leader(user, year) or is_board_of(user, year.bloc.province_id)
