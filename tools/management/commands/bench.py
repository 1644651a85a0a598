"""`manage.py bench [--size small|full] [--requests 30] [--json FILE] [--small-database URL | --small-json FILE]
[--no-load] [--only pages,ranking,pdf,reminders,load]`: every main page's query count and server time, the ranking,
PDF rendering, the national reminder tick and the officer home under load, against the budgets of the benchmarks
issue (see tools/bench.py)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tools import bench


class Command(BaseCommand):
    help = "Measure the pages, the ranking, PDFs, the reminder tick and the load against the budgets."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "full"], default="full", help="What this database holds.")
        parser.add_argument("--requests", type=int, default=30, help="Timed requests per page (default 30).")
        parser.add_argument("--json", dest="json_file", help="Also write the results to this file.")
        parser.add_argument(
            "--small-database", help="URL of the small database: its pages are measured too, for the comparison."
        )
        parser.add_argument("--small-json", help="A --json file written earlier by `bench --size small`.")
        parser.add_argument("--no-load", action="store_true", help="Skip the load test (gunicorn + wrk).")
        parser.add_argument(
            "--only", help=f"Comma-separated sections to measure, of {', '.join(bench.SECTIONS)} (default: all)."
        )
        parser.add_argument("--load-seconds", type=int, default=30)
        parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4).")
        parser.add_argument("--pdf-runs", type=int, default=11)
        parser.add_argument("--ranking-runs", type=int, default=15)
        parser.add_argument("--quiet", action="store_true", help="Print nothing (with --json).")

    def handle(self, *args, **options):
        if options["requests"] < 1:
            raise CommandError("--requests must be at least 1.")
        sections = set(bench.SECTIONS)
        if options["only"]:
            sections = {name.strip() for name in options["only"].split(",") if name.strip()}
            unknown = sections - set(bench.SECTIONS)
            if unknown:
                raise CommandError(f"--only: unknown section(s) {', '.join(sorted(unknown))}.")
        if options["no_load"]:
            sections.discard("load")

        def log(message):
            if not options["quiet"]:
                self.stderr.write(message)

        small = None
        try:
            if options["small_database"]:
                small = bench.run_small(options["small_database"], options["requests"], log)
            elif options["small_json"]:
                small = json.loads(Path(options["small_json"]).read_text())
            result = bench.run(
                size=options["size"],
                requests=options["requests"],
                pdf_runs=options["pdf_runs"],
                ranking_runs=options["ranking_runs"],
                load_seconds=options["load_seconds"],
                connections=options["connections"],
                sections=sections,
                small=small,
                log=log,
            )
        except bench.BenchError as error:
            raise CommandError(str(error)) from None
        if options["json_file"]:
            Path(options["json_file"]).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        if not options["quiet"]:
            self.stdout.write(bench.table(result))
