"""`manage.py export_year --bloc KTĐNC --year 2020 --output ktdnc-2020.zip`: one bloc's year as a ZIP for the
archive (tools/export.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from blocs.models import EmulationYear
from tools.export import SECTIONS, TOC_NAME, export_year


class Command(BaseCommand):
    help = (
        "Write one bloc's year as a ZIP for the archive: the issued documents (PDF), every report, evidence and "
        "dossier file, the ranking (xlsx), the ballots' counts (csv), MỤC LỤC.txt and manifest.json with the "
        "SHA-256 of every entry."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bloc", required=True, help="The bloc's document code (KTĐNC) or its address (ktdnc).")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", required=True, help="The .zip file to write.")
        parser.add_argument("--province", help="The province code, when several provinces use the same bloc code.")
        parser.add_argument(
            "--drafts",
            action="store_true",
            help="Also render the documents not issued, as they stand, into du-thao/ (by default they are listed).",
        )

    def handle(self, *args, bloc, year, output, province=None, drafts=False, **options):
        # Codes are stored upper-case (Python's upper() knows Đ, SQLite's does not).
        years = EmulationYear.objects.filter(Q(bloc__code=bloc.upper()) | Q(bloc__slug=bloc.lower()), year=year)
        if province:
            years = years.filter(bloc__province__code=province)
        found = list(years.select_related("bloc"))
        if not found:
            raise CommandError(f"No year {year} for the bloc {bloc!r}.")
        if len(found) > 1:
            raise CommandError(f"The code {bloc!r} is used in several provinces: add --province.")
        if not output.lower().endswith(".zip"):
            raise CommandError("The output is a ZIP file: give a name ending in .zip.")
        result = export_year(found[0], output, drafts=drafts)
        counts = ", ".join(f"{folder}/ {result.count(folder)}" for folder in SECTIONS if result.count(folder))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.output}: {len(result.entries)} files ({counts}, {TOC_NAME}) and manifest.json, "
                f"{result.bytes} bytes in "
                f"{result.seconds:.2f} s."
            )
        )
        if result.not_issued:
            self.stdout.write(
                f"Not issued ({'rendered as drafts' if drafts else 'not in the archive; --drafts renders them'}): "
                + "; ".join(result.not_issued)
            )
        if result.missing:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.missing)} file(s) named by the records are missing from private storage: "
                    + ", ".join(m["stored_as"] for m in result.missing[:5])
                )
            )
