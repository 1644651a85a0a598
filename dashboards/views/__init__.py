"""Home pages: one per role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from blocs.roles import facts
from core import pagecache

from .. import selectors


@login_required
def home(request):
    # The officer's home is the busiest page: served from the per-user page cache while nothing it shows has
    # changed (core/pagecache.py), rendered anew otherwise.
    page = pagecache.Page(request, "home")
    if (hit := page.lookup()) is not None:
        return hit
    page.start()  # before reading anything the page shows
    f = facts(request.user)
    if f.is_board:
        rows = selectors.board_home(province_id=f.board_province_id)
        return render(request, "dashboards/home_board.html", {"rows": rows, "province": f.person.board_province})
    if f.is_officer:
        unit = f.person.unit
        items = selectors.officer_home(unit=unit)
        response = render(request, "dashboards/home_officer.html", {"unit": unit, "items": items})
        # Valid until midnight (the days left change) or the next opening or due time on the page, if sooner.
        moments = [moment for item in items for d in item.deadlines for moment in (d.opens_at, d.due_at)]
        return page.store(response, valid_until=pagecache.valid_until(moments))
    return render(request, "dashboards/home_none.html")
