"""Backup and restore (core/backup.py, `manage.py backup` / `manage.py restore`), end to end: the demo's 2020 year of
the internal-affairs bloc (sheets reviewed, the ranking published, the issued plan, evidence, reports and dossiers)
is backed up, restored by `manage.py restore` into an EMPTY second database and private folder in another process,
and the restored installation must give the same sheet, ranking, plan and files, the files served by the download
view. SQLite always (a source database of its own, in subprocesses); PostgreSQL when the suite runs on it (the test
database is the source; the target, `<test database>_restore`, is created fresh from `migrate` and dropped).

Then what a restore refuses, each time changing nothing: an altered or damaged archive, a member the manifest does
not list, a database of the other vendor, an archive of a newer version of the code, a database that is not empty,
a private file that exists with another content."""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from blocs.models import EmulationYear
from core.backup import DATABASE_MEMBERS, MANIFEST, archive_verify, tables_with_rows
from core.models import AuditLog, User
from reports.models import SubmissionVersion
from scoring.models import Evidence, Sheet
from scoring.selectors import ranking_for_year

from ..factories import UnitFactory

ROOT = Path(__file__).resolve().parents[2]


# --- what must survive the round trip -----------------------------------------------------------------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seed_history() -> None:
    """The demo's closed 2020 of the internal-affairs bloc, as tools/demo.py builds it (without the current years)."""
    from awards import demo as awards_demo
    from blocs import demo as blocs_demo
    from conference import demo as conference_demo
    from conference.demo.minutes import seed_minutes_demo
    from reports import demo as reports_demo
    from scoring import demo as scoring_demo

    blocs_demo.seed()
    scoring_demo.seed()
    conference_demo.seed()
    reports_demo.seed_submissions()
    awards_demo.seed()
    seed_minutes_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2020))


def fingerprint(client: Client | None = None) -> dict:
    """What the installation shows of the 2020 year: one unit's sheet, the ranking, the plan, every file of the
    year with its content's SHA-256, and an evidence file as the download view serves it to the leader."""
    year = EmulationYear.objects.select_related("bloc").get(bloc__slug="ktdnc", year=2020)
    sheet = Sheet.objects.get(year=year, unit__code="CAT")
    plan = year.plans.get()
    files = {}
    for item in [*Evidence.objects.filter(score__sheet__year=year), *SubmissionVersion.objects.all()]:
        with item.file.open("rb") as handle:
            files[item.file.name] = _sha(handle.read())
    evidence = Evidence.objects.filter(score__sheet__year=year).order_by("pk").first()
    client = client or Client()
    client.force_login(User.objects.get(username="thanhtra"), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("scoring:evidence", args=[evidence.pk]))
    return {
        "sheet": {
            "status": sheet.status,
            "scores": sorted(
                [s.criterion.code, str(s.self_points), str(s.reviewed_points)]
                for s in sheet.scores.select_related("criterion")
            ),
        },
        "ranking": [[r.unit.code, r.rank, str(r.reviewed_total), r.classification] for r in ranking_for_year(year)],
        "plan": [plan.number_text, plan.status, plan.title, plan.conference_date.isoformat(), plan.tasks.count()],
        "users": User.objects.count(),
        # Written in pairs, one transaction each, while the SQLite backup runs (sqlite_backup).
        "audit_pairs": [AuditLog.objects.filter(action=f"test.pair.{x}").count() for x in "ab"],
        "files": files,
        "download": [response.status_code, _sha(b"".join(response.streaming_content)), evidence.file.name],
    }


def _env(database_url: str, private: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL", "PAGE_CACHE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        PRIVATE_MEDIA_ROOT=str(private),
        ALLOWED_HOSTS="testserver,localhost",
        # Tasks run in the process and mail stays in memory: nothing reaches a broker another process reads.
        CELERY_TASK_ALWAYS_EAGER="true",
        CELERY_BROKER_URL="memory://",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def manage(*args: str, database_url: str, private: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(database_url, private),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def fingerprint_of(database_url: str, private: Path) -> dict:
    """The fingerprint as another process sees the installation at database_url."""
    code = "import json; from tests.core.test_backup import fingerprint; print('FP=' + json.dumps(fingerprint()))"
    out = manage("shell", "-c", code, database_url=database_url, private=private).stdout
    return json.loads(out.split("FP=", 1)[1])


def private_files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): _sha(p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def assert_restored(archive: Path, restored_private: Path, before: dict, after: dict) -> None:
    assert after == before
    assert after["download"][0] == 200
    assert after["sheet"]["scores"] and len(after["ranking"]) == 8 and after["plan"][0] == "53/KH-KTĐNC"
    manifest = archive_verify(archive)
    members = {m["name"]: m["sha256"] for m in manifest["members"] if m["name"].startswith("private/")}
    assert {f"private/{name}": sha for name, sha in private_files(restored_private).items()} == members
    assert manifest["files"]["count"] == len(members) > 50


# --- SQLite: always ----------------------------------------------------------------------------------------------


WRITER = """
import pathlib
from django.db import transaction
from core.models import AuditLog
stop = pathlib.Path(%r)
while not stop.exists():
    with transaction.atomic():
        AuditLog.objects.create(action="test.pair.a")
        AuditLog.objects.create(action="test.pair.b")
"""


def _pairs_written(database: Path) -> int:
    with sqlite3.connect(database, timeout=20) as db:
        return db.execute("SELECT COUNT(*) FROM core_auditlog WHERE action = 'test.pair.b'").fetchone()[0]


@pytest.fixture(scope="module")
def sqlite_backup(tmp_path_factory):
    """A SQLite installation of its own with the demo's 2020, backed up by `manage.py backup` while another process
    writes to it (pairs of audit rows, one transaction each): (archive, its fingerprint, the command's output)."""
    work = tmp_path_factory.mktemp("backup-sqlite")
    database, private = work / "source.sqlite3", work / "source-private"
    url = f"sqlite:///{database}"
    code = (
        "import json; from django.core.management import call_command; call_command('migrate', verbosity=0); "
        "from tests.core.test_backup import seed_history, fingerprint; seed_history(); "
        "print('FP=' + json.dumps(fingerprint()))"
    )
    before = json.loads(manage("shell", "-c", code, database_url=url, private=private).stdout.split("FP=", 1)[1])
    stop = work / "stop"
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", WRITER % str(stop)], cwd=ROOT, env=_env(url, private)
    )
    try:
        deadline = time.monotonic() + 60
        while _pairs_written(database) < 3:
            assert writer.poll() is None and time.monotonic() < deadline, "the writer did not start writing"
            time.sleep(0.05)
        archive = work / "backup.tar.gz"
        output = manage("backup", "--output", str(archive), database_url=url, private=private).stdout
        assert writer.poll() is None  # still writing when the backup ended
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert _pairs_written(database) > 3
    return archive, before, output


def test_sqlite_round_trip_into_an_empty_database(sqlite_backup, tmp_path, db):
    # `db` (unused: the databases are the subprocesses') keeps the test in the group pytest-django runs first, with
    # the refusals below, so that the module's archive is made once.
    archive, before, output = sqlite_backup
    assert f"Backup written to {archive}: the sqlite database" in output
    assert "SHA-256 of the archive: " + _sha(archive.read_bytes()) in output
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[0] == DATABASE_MEMBERS["sqlite"] and names[-1] == MANIFEST
    manifest = archive_verify(archive)
    assert manifest["database"]["vendor"] == "sqlite"
    assert "scoring.0001_initial" in manifest["migrations"]["applied"]
    assert manifest["files"]["bytes"] == sum(m["size"] for m in manifest["members"][1:])

    url, private = f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "restored-private"
    restored = manage("restore", str(archive), database_url=url, private=private).stdout
    assert "Restored the backup of" in restored and f"{manifest['files']['count']} files" in restored
    assert "nothing to migrate" in restored

    after = fingerprint_of(url, private)
    # The backup ran while the writer committed pairs: it holds whole transactions only, as many as had committed.
    pairs, _ = after.pop("audit_pairs"), before.pop("audit_pairs")
    assert pairs[0] == pairs[1] >= 3
    assert_restored(archive, private, before, after)

    # Restored once, the database is no longer empty: a second restore is refused and changes nothing.
    again = manage("restore", str(archive), database_url=url, private=private, check=False)
    assert again.returncode != 0
    assert (
        "is not empty: awards_award" in again.stderr
    )  # its first table with rows (awarddecision, awardkind…) and "Nothing was changed" in again.stderr


# --- PostgreSQL: when the suite runs on it ----------------------------------------------------------------------


def _scratch_url(name: str) -> str:
    sd = connection.settings_dict
    auth = sd["USER"] + (f":{sd['PASSWORD']}" if sd.get("PASSWORD") else "")
    return f"postgres://{auth}@{sd.get('HOST') or 'localhost'}:{sd.get('PORT') or 5432}/{name}"


@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_into_a_migrated_empty_database(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite: the PostgreSQL round trip needs DATABASE_URL (the SQLite one ran)")
    seed_history()
    before = fingerprint()
    archive = tmp_path / "backup.tar"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "the postgresql database" in out.getvalue()
    assert archive.read_bytes()[:2] != b"\x1f\x8b"  # .tar: not compressed
    manifest = archive_verify(archive)
    assert manifest["database"]["vendor"] == "postgresql" and manifest["database"]["dump_major"] >= 10

    name = connection.settings_dict["NAME"] + "_restore"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        url, private = _scratch_url(name), tmp_path / "restored-private"
        # As docker compose leaves a new installation: migrated by its one-shot service, nobody using it yet.
        manage("migrate", "-v0", database_url=url, private=private)
        restored = manage("restore", str(archive), database_url=url, private=private).stdout
        assert "Restored the backup of" in restored and "nothing to migrate" in restored
        assert_restored(archive, private, before, fingerprint_of(url, private))
        again = manage("restore", str(archive), database_url=url, private=private, check=False)
        assert again.returncode != 0 and "is not empty" in again.stderr
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- refusals -----------------------------------------------------------------------------------------------------


def rebuild(source: Path, target: Path, *, manifest_change=None, member_change=None, extra=None, keep_sums=False):
    """A copy of the archive with its manifest or a member changed (and, unless keep_sums, the checksums made to
    match again: an archive that is well formed but not what this installation can take)."""
    with tarfile.open(source) as tar:
        members = [(info, tar.extractfile(info).read()) for info in tar if info.isfile()]
    contents = {info.name: data for info, data in members}
    manifest = json.loads(contents.pop(MANIFEST))
    if member_change:
        name, data = member_change(contents)
        contents[name] = data
    if extra:
        contents.update(extra)
    if not keep_sums:
        manifest["members"] = [{"name": n, "size": len(d), "sha256": _sha(d)} for n, d in contents.items()]
    if manifest_change:
        manifest_change(manifest)
    if manifest["database"]["vendor"] == "postgresql" and "database/sqlite3.db" in contents:
        contents["database/postgresql.dump"] = contents.pop("database/sqlite3.db")
        for m in manifest["members"]:
            m["name"] = "database/postgresql.dump" if m["name"] == "database/sqlite3.db" else m["name"]
    contents[MANIFEST] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def _as_postgresql(manifest: dict) -> None:
    manifest["database"] = {"vendor": "postgresql", "member": "database/postgresql.dump", "dump_major": 15}


def _here_vendor(archive: Path, tmp_path: Path) -> Path:
    """The archive as one of this suite's vendor (the SQLite one relabelled when the suite runs on PostgreSQL):
    refused before its database would be read."""
    if connection.vendor == "sqlite":
        return archive
    return rebuild(archive, tmp_path / "as-postgresql.tar.gz", manifest_change=_as_postgresql)


def restore_refused(archive: Path) -> str:
    listing = private_files(Path(settings.PRIVATE_MEDIA_ROOT))
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())
    assert private_files(Path(settings.PRIVATE_MEDIA_ROOT)) == listing  # no file written
    return str(refused.value)


def _first_file(contents: dict) -> str:
    return next(n for n in contents if n.startswith("private/scoring/"))


def test_an_altered_member_is_refused(sqlite_backup, tmp_path, db):
    def alter(contents):
        name = _first_file(contents)
        return name, contents[name] + b"%"

    tampered = rebuild(sqlite_backup[0], tmp_path / "tampered.tar.gz", member_change=alter, keep_sums=True)
    message = restore_refused(tampered)
    assert "damaged or was altered" in message and "checksum mismatch" in message and "nothing was changed" in message
    assert tables_with_rows(connection) == []


def test_a_damaged_archive_is_refused(sqlite_backup, tmp_path, db):
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(sqlite_backup[0].read_bytes()[:-20000])
    assert "The archive is damaged" in restore_refused(truncated)
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive at all")
    assert "not a readable backup archive" in restore_refused(garbage)


def test_a_member_the_manifest_does_not_list_is_refused(sqlite_backup, tmp_path, db):
    def drop_listing(manifest):
        manifest["members"] = [m for m in manifest["members"] if m["name"] != "private/extra.pdf"]

    smuggled = rebuild(
        sqlite_backup[0],
        tmp_path / "extra.tar.gz",
        extra={"private/extra.pdf": b"%PDF-1.4"},
        manifest_change=drop_listing,
    )
    assert "private/extra.pdf: not listed in the manifest" in restore_refused(smuggled)
    outside = rebuild(sqlite_backup[0], tmp_path / "outside.tar.gz", extra={"private/../../etc/x": b"x"})
    assert "unexpected member" in restore_refused(outside)


def test_a_database_of_the_other_vendor_is_refused(sqlite_backup, tmp_path, db):
    if connection.vendor == "sqlite":
        other = rebuild(sqlite_backup[0], tmp_path / "postgresql.tar.gz", manifest_change=_as_postgresql)
        expected = "holds a PostgreSQL database and this installation uses SQLite"
    else:
        other, expected = sqlite_backup[0], "holds a SQLite database and this installation uses PostgreSQL"
    message = restore_refused(other)
    assert expected in message and "Nothing was changed" in message


def test_an_archive_of_a_newer_version_is_refused(sqlite_backup, tmp_path, db):
    def future(manifest):
        manifest["migrations"]["applied"].append("scoring.9999_from_the_future")

    newer = rebuild(_here_vendor(sqlite_backup[0], tmp_path), tmp_path / "newer.tar.gz", manifest_change=future)
    message = restore_refused(newer)
    assert "made by a newer version" in message and "scoring.9999_from_the_future" in message


def test_a_database_that_is_not_empty_is_refused(sqlite_backup, tmp_path, db):
    UnitFactory()
    message = restore_refused(_here_vendor(sqlite_backup[0], tmp_path))
    assert "is not empty: blocs_province (1 row), blocs_unit (1 row)" in message
    assert "A restore needs an empty database" in message
    assert [t for t, _n in tables_with_rows(connection)] == ["blocs_province", "blocs_unit"]


def test_an_existing_different_file_is_never_overwritten(sqlite_backup, tmp_path, db):
    archive = _here_vendor(sqlite_backup[0], tmp_path)
    manifest = archive_verify(archive)
    name = next(m["name"] for m in manifest["members"] if m["name"].startswith("private/scoring/"))
    target = Path(settings.PRIVATE_MEDIA_ROOT) / name.removeprefix("private/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"someone else's file")
    try:
        message = restore_refused(archive)
        assert "already exist with a different content" in message and str(target) in message
        assert target.read_bytes() == b"someone else's file"
        assert tables_with_rows(connection) == []
    finally:
        target.unlink()


def test_backup_to_standard_output_and_never_into_the_private_folder(transactional_db, capsysbinary):
    UnitFactory()
    call_command("backup", "--output", "-")
    captured = capsysbinary.readouterr()
    assert captured.out[:2] == b"\x1f\x8b"  # gzip
    assert b"Backup written to standard output: the " in captured.err
    archive = Path(settings.PRIVATE_MEDIA_ROOT).parent / f"stdout-{os.getpid()}.tar.gz"
    archive.write_bytes(captured.out)
    try:
        manifest = archive_verify(archive)
    finally:
        archive.unlink()
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["files"]["count"] == len(private_files(Path(settings.PRIVATE_MEDIA_ROOT)))

    inside = Path(settings.PRIVATE_MEDIA_ROOT) / "backup.tar.gz"
    with pytest.raises(CommandError, match="Write the backup outside"):
        call_command("backup", "--output", str(inside))
    assert not inside.exists()
