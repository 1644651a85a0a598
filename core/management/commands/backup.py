"""`manage.py backup --output FILE`: the database and every private file in one archive (core/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create, size_text


class Command(BaseCommand):
    help = (
        "Write a backup archive: the database (pg_dump --format=custom, or a consistent SQLite copy), every private "
        "file and a manifest with the SHA-256 of each member. Safe while the application runs. FILE ending in .gz or "
        ".tgz is gzip-compressed; '-' writes a compressed archive to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The archive to write (.tar.gz, .tar), or - for stdout.")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, output, database, **options):
        # With the archive on standard output, the report goes to standard error.
        report = self.stderr if output == "-" else self.stdout
        try:
            result = backup_create(output, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        where = "standard output" if output == "-" else result.output
        report.write(
            self.style.SUCCESS(
                f"Backup written to {where}: the {result.vendor} database ({size_text(result.database_bytes)}, "
                f"{result.migrations} migrations applied) and {result.file_count} files "
                f"({size_text(result.file_bytes)}); archive {size_text(result.archive_bytes)} "
                f"in {result.seconds:.2f} s."
            )
        )
        report.write(f"SHA-256 of the archive: {result.sha256}")
        if result.skipped:
            report.write(f"{len(result.skipped)} file(s) were deleted while the backup ran and are not in it.")
