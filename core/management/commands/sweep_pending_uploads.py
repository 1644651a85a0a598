"""Delete the files kept from refused forms that nobody saved within a day (the beat task does it hourly)."""

from django.core.management.base import BaseCommand

from core.pending import pending_sweep


class Command(BaseCommand):
    help = "Delete pending uploads (files kept from refused forms) older than a day, with their files."

    def handle(self, *args, **options):
        swept = pending_sweep()
        self.stdout.write(f"{swept} pending upload(s) deleted.")
