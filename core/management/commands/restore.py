"""`manage.py restore FILE`: put a backup (manage.py backup) back into an empty database and private folder."""

import shutil
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore, created_at_text, size_text


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an EMPTY database (new, or fresh from migrate) of the same kind and into the "
        "private folder, after checking every member's SHA-256. Nothing is overwritten; a refused restore changes "
        "nothing. FILE may be - to read the archive from standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive written by manage.py backup, or - for standard input.")
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, archive, database, **options):
        spool = None
        if archive == "-":
            # Read twice (checked, then restored): standard input is kept in a temporary file first.
            spool = tempfile.NamedTemporaryFile(prefix="ktd-restore-", suffix=".tar", delete=False)  # noqa: SIM115
            with spool:
                shutil.copyfileobj(sys.stdin.buffer, spool, 1024 * 1024)
            path = Path(spool.name)
        else:
            path = Path(archive)
            if not path.is_file():
                raise CommandError(f"No such archive: {archive}")
        try:
            result = backup_restore(path, using=database, progress=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if spool is not None:
                Path(spool.name).unlink(missing_ok=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {created_at_text(result.created_at)}: the {result.vendor} database "
                f"({size_text(result.database_bytes)}, {result.migrations} migrations applied) and "
                f"{result.files_written} files ({size_text(result.file_bytes)}) into the private folder"
                + (f" ({result.files_present} identical files were there already)" if result.files_present else "")
                + f", in {result.seconds:.2f} s."
            )
        )
        self.stdout.write(f"SHA-256 of the archive: {result.sha256}")
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"This code has {result.pending_migrations} migration(s) the backup's database has not: run "
                    "`manage.py migrate` now."
                )
            )
        else:
            self.stdout.write("The database's migrations match this code: nothing to migrate.")
