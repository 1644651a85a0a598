"""`manage.py generate_data [--preset tiny|small|medium|full] [--provinces 34 --blocs 15 --units 20 --years 5
--criteria 40] [--seed 1] [--today 2026-11-25] [--flush | --flush-only]`: national-scale data for the benchmarks
(see tools/generate.py)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from core import pagecache
from tools import generate


class Command(BaseCommand):
    help = "Generate benchmark data in bulk: provinces × blocs × units over several years (repeatable with a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(generate.PRESETS), default="full")
        for name, meaning in (
            ("provinces", "provinces"),
            ("blocs", "blocs per province"),
            ("units", "member units per bloc"),
            ("years", "emulation years (the latest mid-cycle, the others closed)"),
            ("criteria", "scored criteria per criteria table"),
        ):
            parser.add_argument(f"--{name}", type=int, help=f"Number of {meaning} (overrides the preset).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", help="The day the data describes, YYYY-MM-DD (default: today).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--flush", action="store_true", help="Delete generated data first, then generate.")
        group.add_argument("--flush-only", action="store_true", help="Delete generated data and stop.")

    def handle(self, *args, preset, seed, today, flush, flush_only, verbosity=1, **options):
        size = generate.with_overrides(
            generate.PRESETS[preset], **{k: options[k] for k in generate.Size.__annotations__}
        )
        if min(size.provinces, size.blocs, size.years) < 1 or size.units < 2 or size.criteria < 3:
            raise CommandError("Need at least 1 province, 1 bloc, 2 units, 1 year and 3 criteria.")
        day = None
        if today:
            day = parse_date(today)
            if day is None:
                raise CommandError(f"--today: cannot read {today!r}; write it as 2026-11-25.")

        def log(message):
            if verbosity >= 1:
                self.stdout.write(f"  {message}")

        started = time.perf_counter()
        if flush or flush_only:
            deleted = generate.flush(log=log)
            pagecache.touch(pagecache.GLOBAL)  # written with COPY and raw deletes: no model signal saw it
            self.stdout.write(
                f"Deleted {sum(deleted.values()):,} generated rows in {time.perf_counter() - started:.1f} s."
            )
            if flush_only:
                return
        self.stdout.write(
            f"Generating {size.provinces} province(s) × {size.blocs} blocs × {size.units} units × {size.years} years, "
            f"{size.criteria} criteria, seed {seed} …"
        )
        started = time.perf_counter()
        try:
            counts = generate.generate(size=size, seed=seed, today=day, log=log)
            pagecache.touch(pagecache.GLOBAL)
        except generate.GeneratedDataExists as exists:
            raise CommandError(
                f"This database already holds generated data ({exists.args[0]} province(s) coded "
                f"{generate.CODE_PREFIX}…): run again with --flush to replace it, or point DATABASE_URL at another "
                "database."
            ) from None
        elapsed = time.perf_counter() - started
        if verbosity >= 2:
            for label, n in counts.items():
                self.stdout.write(f"  {label:<40} {n:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {sum(counts.values()):,} rows in {elapsed:.1f} s: "
                f"{counts.get('blocs.Unit', 0):,} units, {counts.get('scoring.Score', 0):,} scores, "
                f"{counts.get('reports.Submission', 0):,} submissions, "
                f"{counts.get('reports.ReminderSent', 0):,} reminders, {counts.get('awards.Ballot', 0):,} ballots. "
                f"Logins: {generate.USER_PREFIX}p01-b01u01 … (password {generate.PASSWORD})."
            )
        )
