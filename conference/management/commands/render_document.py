"""`manage.py render_document plan --bloc KTĐNC --year 2020 --output plan.pdf [--format docx]`."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from blocs.models import EmulationYear
from core.documents import registry as documents
from core.documents import render_docx, render_pdf

KINDS = {"plan": "conference.plan"}


def _latest(kind: str, year: EmulationYear):
    if kind == "plan":
        plan = year.plans.order_by("-version").first()
        if plan is None:
            raise CommandError(f"The year {year.year} of {year.bloc.code} has no plan yet.")
        return plan
    raise CommandError(f"Unknown document {kind!r}")


class Command(BaseCommand):
    help = "Render an official document of a bloc's year to PDF or DOCX (the same renderer as the web app)."

    def add_arguments(self, parser):
        parser.add_argument("document", choices=sorted(KINDS), help="Which document.")
        parser.add_argument("--bloc", required=True, help="The bloc's document code (KTĐNC) or address (ktdnc).")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True)
        parser.add_argument("--format", choices=["pdf", "docx"], default=None, help="Default: from --output.")
        parser.add_argument("--province", help="The province code, when a bloc code is used in several.")

    def handle(self, *args, document, bloc, year, output, format=None, province=None, **options):
        fmt = format or ("docx" if output.lower().endswith(".docx") else "pdf")
        years = EmulationYear.objects.filter(Q(bloc__code=bloc.upper()) | Q(bloc__slug=bloc.lower()), year=year)
        if province:
            years = years.filter(bloc__province__code=province)
        found = list(years.select_related("bloc__province", "leader"))
        if len(found) != 1:
            raise CommandError(f"{len(found)} years match {bloc!r} {year}; give --province if it is ambiguous.")
        record = _latest(document, found[0])
        spec = documents.get(KINDS[document])
        started = time.perf_counter()
        built = spec.build(spec.load(str(record.pk)))
        content = render_pdf(built) if fmt == "pdf" else render_docx(built)
        with open(output, "wb") as handle:
            handle.write(content)
        self.stdout.write(
            self.style.SUCCESS(f"{output}: {len(content)} bytes in {time.perf_counter() - started:.2f} s")
        )
