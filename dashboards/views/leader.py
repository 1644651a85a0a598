"""The leader unit's dashboard: what needs doing now and the bloc's progress over the year's calendar."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from blocs.models import EmulationYear
from core.permissions import ensure_can

from ..selectors.leader import leader_dashboard as dashboard_for


@login_required
@require_GET
def leader_dashboard(request, slug, year):
    emulation_year = get_object_or_404(
        EmulationYear.objects.select_related("bloc__province", "leader", "deputy"), bloc__slug=slug, year=year
    )
    ensure_can(request.user, "dashboards.leader.view", emulation_year)
    board = dashboard_for(year=emulation_year)
    context = {"year": emulation_year, "bloc": emulation_year.bloc, "board": board}
    return render(request, "dashboards/leader/dashboard.html", context)
