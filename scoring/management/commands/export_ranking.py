"""`manage.py export_ranking --bloc KTĐNC --year 2020 --output ranking.xlsx`: the ranking from the shell."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from blocs.models import EmulationYear
from scoring import excel
from scoring.selectors import ranking_for_year


class Command(BaseCommand):
    help = "Export a year's ranking (rank, unit, self and reviewed totals, bonus, deductions, class) to Excel."

    def add_arguments(self, parser):
        parser.add_argument("--bloc", required=True, help="The bloc's document code (KTĐNC) or its address (ktdnc).")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True, help="The .xlsx file to write.")
        parser.add_argument("--province", help="The province code, when several provinces use the same bloc code.")

    def handle(self, *args, bloc, year, output, province=None, **options):
        # Codes are stored upper-case (Python's upper() knows Đ, SQLite's does not).
        years = EmulationYear.objects.filter(Q(bloc__code=bloc.upper()) | Q(bloc__slug=bloc.lower()), year=year)
        if province:
            years = years.filter(bloc__province__code=province)
        found = list(years.select_related("bloc"))
        if not found:
            raise CommandError(f"No year {year} for the bloc {bloc!r}.")
        if len(found) > 1:
            raise CommandError(f"The code {bloc!r} is used in several provinces: add --province.")
        emulation_year = found[0]
        rows = [
            {
                "rank": r.rank,
                "unit": r.unit.name,
                "self_total": r.self_total,
                "reviewed_total": r.reviewed_total,
                "bonus": r.bonus,
                "deductions": r.deductions,
                "classification": r.classification,
            }
            for r in ranking_for_year(emulation_year)
        ]
        title = f"Bảng xếp hạng năm {year} – {emulation_year.bloc.name}"
        with open(output, "wb") as handle:
            handle.write(excel.export_ranking(rows, title=title))
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} units written to {output}"))
