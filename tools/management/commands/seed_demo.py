"""`python manage.py seed_demo`: build (or bring back) the demo data; safe to run again (see tools/demo.py)."""

from django.core.management.base import BaseCommand

from tools import demo


class Command(BaseCommand):
    help = "Load the demo data: Tuyên Quang's internal-affairs bloc of the 2020 plan, a second bloc, logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet_logins=False, **options):
        result = demo.seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready: " + ", ".join(b.name for b in result["blocs"])))
        if not quiet_logins:
            self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
            for username, who in result["logins"]:
                self.stdout.write(f"  {username:<12} {who}")
