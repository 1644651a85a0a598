"""`manage.py remind [--dry-run] [--now "2020-10-12 08:00"]`: one reminder tick by hand, listing what it recorded
(or would record) and where their e-mails stand: queued for the worker, which sends them after the tick commits."""

import datetime
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.models import OutboxMessage
from reports.services.reminders import offset_text, reminder_outbox, reminders_tick


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
    help = "Run one reminder tick now: record the deadline reminders due today, queue their e-mails and list them."

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
        when = f"for {local:%d/%m/%Y %H:%M} (Asia/Ho_Chi_Minh)"
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"{len(reminders)} reminder(s) would be sent {when}."))
            return
        # The e-mails leave through the outbox's worker after the tick's transactions commit: say where they stand
        # now rather than claim they were sent.
        mails = Counter(message.delivery for messages in reminder_outbox(reminders).values() for message in messages)
        sent = mails[OutboxMessage.Delivery.SENT]
        failed = mails[OutboxMessage.Delivery.RETRYING] + mails[OutboxMessage.Delivery.GIVEN_UP]
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(reminders)} reminder(s) queued for e-mail {when}: "
                f"{mails.total()} e-mail(s), {sent} sent yet, {failed} failed."
            )
        )
