"""`manage.py remind [--dry-run] [--now "2020-10-12 08:00"]`: one reminder tick by hand, listing what it sent (or
would send)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from reports.services.reminders import offset_text, reminders_tick


def parse_moment(text: str) -> datetime.datetime:
    """ "2020-10-12 08:00" (local time, Asia/Ho_Chi_Minh), "2020-10-12" (local midnight), or ISO with an offset."""
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f'--now: cannot read {text!r}; write it as "2020-10-12 08:00".')
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    help = "Run one reminder tick now: send the deadline reminders due today and list them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would be sent; write and send nothing.")
        parser.add_argument(
            "--now", help='Pretend it is this local time, e.g. "2020-10-12 08:00" (default: the real time).'
        )

    def handle(self, *args, dry_run: bool, now: str | None, **options):
        moment = parse_moment(now) if now else timezone.now()
        reminders = reminders_tick(now=moment, dry_run=dry_run)
        for reminder in reminders:
            recipients = ", ".join(reminder.recipients) or "(no active officer)"
            self.stdout.write(
                f"{reminder.deadline.title} | {reminder.unit.name} | {offset_text(reminder.offset_days)} "
                f"({reminder.offset_days:+d}) | {recipients}"
            )
        local = timezone.localtime(moment, timezone.get_default_timezone())
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            self.style.SUCCESS(f"{len(reminders)} reminder(s) {verb} for {local:%d/%m/%Y %H:%M} (Asia/Ho_Chi_Minh).")
        )
