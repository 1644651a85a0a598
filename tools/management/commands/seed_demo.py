"""`python manage.py seed_demo [--today YYYY-MM-DD]`: build (or bring back) the demo data, its current year around
today (or the day given); safe to run again (see tools/demo.py)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from blocs.models import Person
from tools import demo


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today takes a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Load the demo data: Tuyên Quang's internal-affairs bloc of the 2020 plan as history, a second bloc, logins, "
        "and each bloc's current year in progress around today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Build the current year around this day (YYYY-MM-DD) instead of today's local date.",
        )

    def handle(self, *args, quiet_logins=False, today=None, **options):
        try:
            result = demo.seed(today=today)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("Demo data ready: " + ", ".join(b.name for b in result["blocs"])))
        roles = {}
        for year in result["current"]:
            leader = _login(year.leader)
            line = f"Current year {year.year} of {year.bloc.short_name} (on {result['today']:%d/%m/%Y}): "
            line += f"leader {year.leader.short_name} ({leader})"
            roles[leader] = f"leader {year.year}"
            if year.deputy is not None:
                deputy = _login(year.deputy)
                line += f", deputy {year.deputy.short_name} ({deputy})"
                roles[deputy] = f"deputy {year.year}"
            self.stdout.write(line)
        if not quiet_logins:
            self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
            for username, who in result["logins"]:
                role = f" [{roles[username]}]" if username in roles else ""
                self.stdout.write(f"  {username:<12} {who}{role}")


def _login(unit) -> str:
    person = Person.objects.filter(unit=unit).select_related("user").order_by("pk").first()
    return person.user.username if person else "–"
