"""Home pages: one per role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from blocs.roles import facts

from . import selectors


@login_required
def home(request):
    f = facts(request.user)
    if f.is_board:
        rows = selectors.board_home(province_id=f.board_province_id)
        return render(request, "dashboards/home_board.html", {"rows": rows, "province": f.person.board_province})
    if f.is_officer:
        unit = f.person.unit
        return render(
            request,
            "dashboards/home_officer.html",
            {"unit": unit, "items": selectors.officer_home(unit=unit)},
        )
    return render(request, "dashboards/home_none.html")
