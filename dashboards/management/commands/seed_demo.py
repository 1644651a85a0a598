"""`python manage.py seed_demo`: build (or bring back) the demo data; safe to run again."""

from django.core.management.base import BaseCommand

from awards import demo as awards_demo
from blocs import demo as blocs_demo
from blocs.covenant_demo import seed_covenant_demo
from blocs.models import EmulationYear
from conference import demo as conference_demo
from conference.minutes_demo import seed_minutes_demo
from conference.summary_demo import seed_summary_demo
from core import pagecache
from scoring import demo as scoring_demo


class Command(BaseCommand):
    help = "Load the demo data: Tuyên Quang's internal-affairs bloc of the 2020 plan, a second bloc, logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet_logins=False, **options):
        result = blocs_demo.seed()
        scoring_demo.seed()
        conference_demo.seed()
        conference_demo.seed_submissions()
        # The 2020 conference: ballots, run-off, the election that opens 2021, dossiers and decisions; its
        # minutes; and 2021's covenant registrations from every member (the new leader has yet to issue it).
        awards_demo.seed()
        seed_minutes_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2020))
        seed_summary_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2020))  # a draft for the leader
        seed_covenant_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2021))
        pagecache.touch(pagecache.GLOBAL)  # parts of the demo are bulk inserts, which no model signal sees
        self.stdout.write(self.style.SUCCESS("Demo data ready: " + ", ".join(b.name for b in result["blocs"])))
        if not quiet_logins:
            self.stdout.write(f"Demo logins (password for all: {blocs_demo.DEMO_PASSWORD}):")
            for username, who in result["logins"]:
                self.stdout.write(f"  {username:<12} {who}")
