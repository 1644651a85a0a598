"""The leader's log of deadline reminders: what was sent to whom and when, and where each e-mail stands."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from blocs.models import EmulationYear
from core.models import User
from core.permissions import ensure_can

from ..services.reminders import offset_text, reminder_outbox, reminders_for_year

REMINDERS_PER_PAGE = 25


@login_required
@require_GET
def reminder_log(request, slug, year):
    emulation_year = get_object_or_404(
        EmulationYear.objects.select_related("bloc__province", "leader"), bloc__slug=slug, year=year
    )
    ensure_can(request.user, "reports.reminders.view", emulation_year)
    page = Paginator(reminders_for_year(year=emulation_year), REMINDERS_PER_PAGE).get_page(request.GET.get("page"))
    reminders = list(page.object_list)
    usernames = {name for reminder in reminders for name in reminder.recipients}
    users = (
        list(User.objects.filter(username__in=usernames).values_list("username", "pk", "full_name"))
        if usernames
        else []
    )
    names = {username: full_name for username, _pk, full_name in users}
    messages = reminder_outbox(reminders, user_ids={username: pk for username, pk, _name in users})
    rows = [
        {
            "reminder": reminder,
            "when": offset_text(reminder.offset_days),
            "overdue": reminder.offset_days < 0,
            "recipients": [names.get(username) or username for username in reminder.recipients],
            "messages": messages[reminder.pk],
        }
        for reminder in reminders
    ]
    context = {"year": emulation_year, "bloc": emulation_year.bloc, "page": page, "rows": rows}
    return render(request, "reports/reminders.html", context)
