"""Home pages: one per role, each a to-do list."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from blocs.roles import facts
from core import pagecache

from .. import selectors


@login_required
def home(request):
    # The officer's home is the busiest page: served from the per-user page cache while nothing it shows has
    # changed (core/pagecache.py, dashboards/pagecache.py), rendered anew otherwise.
    page = pagecache.Page(request, "home")
    if (hit := page.lookup()) is not None:
        return hit
    page.start()  # before reading anything the page shows
    f = facts(request.user)
    now = timezone.now()
    if f.is_board:
        home = selectors.board_home(province_id=f.board_province_id, now=now)
        context = {"home": home, "rows": home.rows, "province": f.person.board_province, "now": now}
        return render(request, "dashboards/home_board.html", context)
    if f.is_officer:
        unit = f.person.unit
        items = selectors.officer_home(unit=unit, now=now)
        response = render(request, "dashboards/home_officer.html", {"unit": unit, "items": items, "now": now})
        # Valid until midnight (the days left change) or the next moment an item opens, falls due or closes.
        return page.store(response, valid_until=pagecache.valid_until([m for item in items for m in item.moments]))
    return render(request, "dashboards/home_none.html")
