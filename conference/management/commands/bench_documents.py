"""`manage.py bench_documents [--runs 15]`: the median time to render the demo plan to PDF through our whole
path (load, build, template, WeasyPrint) against WeasyPrint alone rendering the same HTML."""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError

from conference.documents.plan import plan_document
from conference.models import ConferencePlan
from core.documents import render_html, render_pdf, weasyprint_alone


def _median(fn, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


class Command(BaseCommand):
    help = "Median PDF render time of the plan vs WeasyPrint alone on the same HTML (budget: ratio ≤ 1.15)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)

    def handle(self, *args, runs, **options):
        plan = ConferencePlan.objects.order_by("-issued_on", "-version").first()
        if plan is None:
            raise CommandError("No plan to render: run `manage.py seed_demo` first.")
        html = render_html(plan_document(plan), for_pdf=True)
        weasyprint_alone(html)  # warm up fonts and caches once for both

        def ours():
            fresh = ConferencePlan.objects.select_related("year__bloc__province", "year__leader").get(pk=plan.pk)
            render_pdf(plan_document(fresh))

        alone = _median(lambda: weasyprint_alone(html), runs)
        full = _median(ours, runs)
        self.stdout.write(
            f"plan PDF, median of {runs}: ours {full * 1000:.0f} ms, WeasyPrint alone {alone * 1000:.0f} ms, "
            f"ratio {full / alone:.3f}"
        )
