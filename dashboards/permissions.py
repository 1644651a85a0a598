"""Rules of the dashboards app, registered in core's permission service (design §3)."""

from blocs.models import Province
from blocs.roles import is_board_of
from core.permissions import rule


@rule("dashboards.board.view")
def may_view_board_dashboard(user, province: Province | None) -> bool:
    """The board's dashboard of a province (and its drill-down to one bloc): that province's emulation board."""
    return province is not None and is_board_of(user, province.pk)
