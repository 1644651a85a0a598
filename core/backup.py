"""Back up and restore the whole installation: the database and every private file, in one archive checked by
SHA-256 (`manage.py backup`, `manage.py restore`).

The archive is a tar file (gzip-compressed when its name ends in .gz or .tgz, or when it goes to standard output):

    database/postgresql.dump   pg_dump --format=custom of DATABASES["default"]   (PostgreSQL)
    database/sqlite3.db        a consistent copy made with SQLite's backup API   (SQLite)
    private/<path>             every file under PRIVATE_MEDIA_ROOT, as it is
    media/<path>               every file under MEDIA_ROOT, when it is set, exists and is not the private root
    manifest.json              last: format, creation time, database vendor, the applied migrations, file count and
                               bytes, and the size and SHA-256 of every other member

A backup runs beside the running application: pg_dump works from one snapshot and SQLite's backup API copies the
database under one read transaction, so the dump is consistent; files are copied as they are at that moment.

A restore reads the archive twice. First every member is checked against the manifest (and nothing else may be in
it); a damaged or altered archive is refused before anything changes. Then it refuses a database of the other
vendor, an archive written by a newer version of the code (migrations this code does not know), a database that is
not empty, and private files that exist with a different content; only then does it write. "Empty" means that no
table holds a row, except the tables `migrate` and the running processes fill by themselves (EMPTY_IGNORES): a
database fresh from `migrate` — as docker compose's one-shot `migrate` service leaves it — counts as empty; its
tables are dropped and replaced by the backup's.
"""

import datetime
import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "khoi-thi-dua-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"postgresql": "database/postgresql.dump", "sqlite": "database/sqlite3.db"}
ROOTS = ("private", "media")  # archive folders: PRIVATE_MEDIA_ROOT, MEDIA_ROOT
CHUNK = 1024 * 1024
IN_MEMORY_MAX = 64 * 1024 * 1024  # a file up to this size is read at once, so its copy is one moment's content
# Tables that hold rows in a database nobody has used yet: what `migrate` writes itself (content types,
# permissions, its own record) and what the running processes write without any data of the app (beat's heartbeat,
# anonymous sessions, django-axes' log of sign-in attempts). They are replaced by the backup's with the rest.
EMPTY_IGNORES = ("django_migrations", "django_content_type", "auth_permission", "django_session", "core_heartbeat")
EMPTY_IGNORE_PREFIXES = ("axes_", "sqlite_")


class BackupError(Exception):
    """A backup or restore refused or failed: the message says why, for the operator."""


# --- what both directions share --------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)  # pragma: no cover


def roots() -> dict[str, Path]:
    """The folders of files a backup holds, by archive folder: the private root, and MEDIA_ROOT when it is set,
    exists and is another folder."""
    found = {"private": Path(settings.PRIVATE_MEDIA_ROOT)}
    media = getattr(settings, "MEDIA_ROOT", "")
    if media and Path(media).is_dir() and Path(media).resolve() != found["private"].resolve():
        found["media"] = Path(media)
    return found


def _vendor(connection) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for the database's settings (Django's own mapping for psql, plus host, port, user)."""
    from django.db.backends.postgresql.client import DatabaseClient

    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    return env


def _tool_version(path: str) -> tuple[int, str]:
    """(major, "pg_dump (PostgreSQL) 16.4") of a PostgreSQL client program."""
    out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout.strip()
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return (int(match.group(1)) if match else 0), out


def find_pg_tool(name: str, *, min_major: int) -> tuple[str, int, str]:
    """The path, major version and version line of `name` (pg_dump, pg_restore) of PostgreSQL `min_major` or later:
    the one on PATH first, else the newest under /usr/lib/postgresql/*/bin (Debian's layout)."""
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)

    def major_of(folder: str) -> int:
        part = Path(folder).parent.name
        return int(part) if part.isdigit() else 0

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major_of, reverse=True):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK) and path not in candidates:
            candidates.append(path)
    seen = []
    for path in candidates:
        major, version = _tool_version(path)
        if major >= min_major:
            return path, major, version
        seen.append(f"{path} ({version or 'unknown version'})")
    found = "; found " + ", ".join(seen) if seen else ": none on PATH nor under /usr/lib/postgresql/*/bin"
    raise BackupError(
        f"{name} of PostgreSQL {min_major} or later is needed{found}. Install the client of that version "
        f"(Debian/Ubuntu: postgresql-client-{min_major}, from apt.postgresql.org when the distribution has an older "
        "one) — see README, 'Backup, restore and export'."
    )


# --- backup ----------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    output: str
    vendor: str
    database_bytes: int
    file_count: int
    file_bytes: int
    archive_bytes: int
    seconds: float
    sha256: str  # of the archive itself
    migrations: int
    skipped: list[str] = field(default_factory=list)


class _HashingWriter(io.RawIOBase):
    """A write-only stream that hashes and counts what passes through to `target`."""

    def __init__(self, target: IO[bytes]):
        self.target = target
        self.digest = hashlib.sha256()
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        self.count += len(data)
        self.target.write(data)
        return len(data)


class _LimitedHashingReader(io.RawIOBase):
    """Reads `size` bytes of `source` and hashes them (for files too large to read at once)."""

    def __init__(self, source: IO[bytes], size: int):
        self.source, self.left, self.digest = source, size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.source.read(n) if n else b""
        self.left -= len(data)
        self.digest.update(data)
        return data


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o640
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _add_path(tar: tarfile.TarFile, name: str, path: Path) -> dict | None:
    """Add one file as it is now; None when it vanished since it was listed."""
    try:
        handle = open(path, "rb")  # noqa: SIM115  (closed below, after the tar has read it)
    except FileNotFoundError:
        return None
    with handle:
        stat = os.fstat(handle.fileno())
        if stat.st_size <= IN_MEMORY_MAX:
            data = handle.read()
            tar.addfile(_tarinfo(name, len(data), stat.st_mtime), io.BytesIO(data))
            return {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        reader = _LimitedHashingReader(handle, stat.st_size)
        try:
            tar.addfile(_tarinfo(name, stat.st_size, stat.st_mtime), reader)
        except OSError as exc:  # it shrank while it was copied
            raise BackupError(f"{path} changed while it was copied ({exc}): run the backup again.") from exc
        return {"name": name, "size": stat.st_size, "sha256": reader.digest.hexdigest()}


def _walk(root: Path, exclude: Iterable[Path] = ()) -> list[tuple[str, Path]]:
    """Every regular file under `root` as (relative POSIX path, path), sorted; symbolic links are not followed."""
    excluded = {p.resolve() for p in exclude}
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if (Path(folder) / d).resolve() not in excluded)
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return found


def _dump_sqlite(connection, target: Path) -> list[str]:
    """Copy the SQLite database with the backup API (one read transaction: a consistent copy while others write);
    returns the migrations the copy records."""
    if connection.in_atomic_block:
        # Its own open write transaction would keep the copy waiting for ever (SQLite's backup retries while busy).
        raise BackupError("A backup is made outside any transaction of its database connection.")
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        try:
            rows = copy.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            rows = []
    finally:
        copy.close()
    return [f"{app}.{name}" for app, name in rows]


def _pg_server_major(connection) -> tuple[int, str]:
    connection.ensure_connection()
    number = connection.pg_version  # e.g. 160004
    return number // 10000, f"{number // 10000}.{number % 10000}"


def _dump_postgresql(connection, target: Path) -> tuple[list[str], dict]:
    """pg_dump --format=custom of the connection's database (one snapshot: consistent while others write)."""
    major, server_version = _pg_server_major(connection)
    tool, tool_major, version = find_pg_tool("pg_dump", min_major=major)
    applied = [f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()]
    sd = connection.settings_dict
    result = subprocess.run(
        [tool, "--format=custom", "--no-password", f"--file={target}", sd["NAME"]],
        env=_pg_env(sd),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed ({result.returncode}): {result.stderr.strip()}")
    return applied, {"server_version": server_version, "dump_tool": version, "dump_major": tool_major}


def backup_create(output: str | Path, *, using: str = "default", compress: bool | None = None) -> BackupResult:
    """Write the backup archive to `output` (a path, or "-" for standard output, gzip-compressed). A file is written
    under a temporary name beside it and renamed when complete."""
    started = time.monotonic()
    connection = connections[using]
    vendor = _vendor(connection)
    to_stdout = str(output) == "-"
    folders = roots()
    if not to_stdout:
        output = Path(output).resolve()
        for root in folders.values():
            if output.is_relative_to(root.resolve()):
                raise BackupError(
                    f"Write the backup outside {root}: a backup kept there would be copied into every later one "
                    "(and restored as a private file)."
                )
    if compress is None:
        compress = to_stdout or str(output).endswith((".gz", ".tgz"))
    created_at = timezone.now()
    members: list[dict] = []
    skipped: list[str] = []
    counts = {name: {"count": 0, "bytes": 0} for name in folders}
    with tempfile.TemporaryDirectory(prefix="ktd-backup-") as work:
        dump = Path(work) / "database"
        database: dict[str, Any] = {"vendor": vendor, "member": DATABASE_MEMBERS[vendor]}
        if vendor == "sqlite":
            applied = _dump_sqlite(connection, dump)
            database["sqlite_version"] = sqlite3.sqlite_version
        else:
            applied, info = _dump_postgresql(connection, dump)
            database.update(info)
        database["name"] = str(connection.settings_dict.get("NAME", ""))
        if to_stdout:
            sink: IO[bytes] = sys.stdout.buffer
            partial = None
        else:
            partial = output.with_name(output.name + ".partial")
            sink = open(partial, "wb")  # noqa: SIM115  (closed in the finally below)
        hashing = _HashingWriter(sink)
        try:
            with tarfile.open(fileobj=hashing, mode="w|gz" if compress else "w|", format=tarfile.PAX_FORMAT) as tar:
                added = _add_path(tar, DATABASE_MEMBERS[vendor], dump)
                members.append(added)
                database["bytes"] = added["size"]
                for folder, root in folders.items():
                    others = [r for f, r in folders.items() if f != folder]
                    for relative, path in _walk(root, exclude=others) if root.is_dir() else []:
                        entry = _add_path(tar, f"{folder}/{relative}", path)
                        if entry is None:
                            skipped.append(f"{folder}/{relative}")
                            continue
                        members.append(entry)
                        counts[folder]["count"] += 1
                        counts[folder]["bytes"] += entry["size"]
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": created_at.isoformat(),
                    "app": {"django": django.get_version(), "python": sys.version.split()[0]},
                    "database": database,
                    "migrations": {"count": len(applied), "applied": applied},
                    "files": {
                        "count": sum(c["count"] for c in counts.values()),
                        "bytes": sum(c["bytes"] for c in counts.values()),
                        "roots": counts,
                        "vanished": skipped,
                    },
                    "members": members,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                tar.addfile(_tarinfo(MANIFEST, len(data), created_at.timestamp()), io.BytesIO(data))
            sink.flush()
            if partial is not None:
                os.fsync(sink.fileno())
                sink.close()
                os.replace(partial, output)
        except BaseException:
            if partial is not None:
                sink.close()
                partial.unlink(missing_ok=True)
            raise
    return BackupResult(
        output=str(output),
        vendor=vendor,
        database_bytes=database["bytes"],
        file_count=manifest["files"]["count"],
        file_bytes=manifest["files"]["bytes"],
        archive_bytes=hashing.count,
        seconds=time.monotonic() - started,
        sha256=hashing.digest.hexdigest(),
        migrations=len(applied),
        skipped=skipped,
    )


# --- reading an archive ----------------------------------------------------------------------------------------


def _member_name_ok(name: str) -> bool:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts) or "\\" in name:
        return False
    if name == MANIFEST or name in DATABASE_MEMBERS.values():
        return True
    return path.parts[0] in ROOTS and len(path.parts) > 1


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, mode="r:*")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is not a readable backup archive ({exc}).") from exc


def archive_verify(path: str | Path) -> dict:
    """Read the whole archive once: every member must be a regular file with a safe name, listed once in the
    manifest with its size and SHA-256, and every listed member must be there. Returns the manifest."""
    path = Path(path)
    seen: dict[str, tuple[int, str]] = {}
    manifest_bytes = None
    tar = _open_archive(path)
    try:
        with tar:
            for info in tar:
                if info.isdir():
                    continue
                if not info.isfile():
                    raise BackupError(f"The archive is refused: {info.name!r} is not a regular file.")
                if not _member_name_ok(info.name):
                    raise BackupError(f"The archive is refused: unexpected member {info.name!r}.")
                if info.name in seen or (info.name == MANIFEST and manifest_bytes is not None):
                    raise BackupError(f"The archive is refused: {info.name!r} appears twice.")
                handle = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest_bytes = handle.read()
                    continue
                digest, size = hashlib.sha256(), 0
                for chunk in iter(lambda h=handle: h.read(CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                seen[info.name] = (size, digest.hexdigest())
    except BackupError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:  # truncated, or a corrupted compressed stream
        raise BackupError(f"The archive is damaged ({type(exc).__name__}: {exc}). Nothing was changed.") from exc
    if manifest_bytes is None:
        raise BackupError("The archive is refused: it has no manifest.json (not a backup of this application).")
    try:
        manifest = json.loads(manifest_bytes)
        listed = {m["name"]: (int(m["size"]), str(m["sha256"])) for m in manifest["members"]}
        vendor = manifest["database"]["vendor"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"The archive is refused: its manifest.json is unreadable ({exc}).") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"The archive is refused: format {manifest.get('format')!r} version {manifest.get('format_version')!r}, "
            f"this code reads {FORMAT!r} version {FORMAT_VERSION}."
        )
    if manifest["database"].get("member") != DATABASE_MEMBERS.get(vendor):
        raise BackupError(f"The archive is refused: the manifest's database ({vendor!r}) is not one this code knows.")
    problems = []
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            problems.append(f"{name}: listed in the manifest but missing")
        elif name not in listed:
            problems.append(f"{name}: not listed in the manifest")
        elif seen[name] != listed[name]:
            problems.append(f"{name}: checksum mismatch")
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise BackupError(
            f"The archive is damaged or was altered, restore refused (nothing was changed): {len(problems)} "
            f"member(s) do not match the manifest's checksums — {shown}."
        )
    return manifest


# --- restore ---------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    archive: str
    vendor: str
    created_at: str
    database_bytes: int
    migrations: int
    files_written: int
    files_present: int
    file_bytes: int
    seconds: float
    sha256: str
    pending_migrations: int


def tables_with_rows(connection) -> list[tuple[str, int]]:
    """The tables of the database that hold rows, but those an unused database fills by itself (EMPTY_IGNORES);
    counts stop at 1,000."""
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in EMPTY_IGNORES or table.startswith(EMPTY_IGNORE_PREFIXES):
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {quoted} LIMIT 1000) AS rows_")
            count = cursor.fetchone()[0]
            if count:
                found.append((table, count))
    return found


def _ensure_empty(connection) -> None:
    full = tables_with_rows(connection)
    if full:
        shown = ", ".join(f"{t} ({'1000+' if n >= 1000 else n} row{'s' if n != 1 else ''})" for t, n in full[:12])
        more = f" and {len(full) - 12} more tables" if len(full) > 12 else ""
        raise BackupError(
            f"The database {connection.settings_dict.get('NAME')!r} is not empty: {shown}{more}. A restore needs an "
            "empty database (new, or fresh from `manage.py migrate` with nobody using it yet): create one, point "
            "DATABASE_URL at it and run the restore again. Nothing was changed."
        )


def _ensure_known_migrations(manifest: dict) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = [m for m in manifest["migrations"]["applied"] if tuple(m.split(".", 1)) not in known]
    if unknown:
        shown = ", ".join(unknown[:8]) + (f" and {len(unknown) - 8} more" if len(unknown) > 8 else "")
        raise BackupError(
            f"The backup was made by a newer version of the application: its database has migrations this code "
            f"does not have ({shown}). Deploy that version (or a later one) and restore with it. Nothing was changed."
        )


def _target_path(roots_here: dict[str, Path], name: str) -> Path:
    folder, _, relative = name.partition("/")
    root = roots_here.get(folder)
    if root is None:
        raise BackupError(
            f"The archive holds files of MEDIA_ROOT ({name}) but MEDIA_ROOT is not set here: set it and run the "
            "restore again. Nothing was changed."
        )
    return root.joinpath(*PurePosixPath(relative).parts)


def _file_plan(manifest: dict) -> tuple[list[dict], list[dict]]:
    """(to write, already there with the same content); refuses a file that exists with another content."""
    roots_here = {"private": Path(settings.PRIVATE_MEDIA_ROOT)}
    media = getattr(settings, "MEDIA_ROOT", "")
    if media:
        roots_here["media"] = Path(media)
    database_member = manifest["database"]["member"]
    to_write, present, conflicts = [], [], []
    for member in manifest["members"]:
        if member["name"] == database_member:
            continue
        target = _target_path(roots_here, member["name"])
        member = {**member, "target": target}
        if target.is_symlink() or target.exists():
            if target.is_file() and not target.is_symlink() and _sha256_file(target) == member["sha256"]:
                present.append(member)
            else:
                conflicts.append(str(target))
        else:
            to_write.append(member)
    if conflicts:
        shown = ", ".join(conflicts[:10]) + (f" and {len(conflicts) - 10} more" if len(conflicts) > 10 else "")
        raise BackupError(
            f"{len(conflicts)} file(s) already exist with a different content: {shown}. A restore never overwrites a "
            "file: restore into an empty private folder. Nothing was changed."
        )
    return to_write, present


def _stage(path: Path, manifest: dict, to_write: list[dict], staging: Path) -> Path:
    """Extract the database and the files to write into `staging`, checking each against the manifest again
    (the archive may have changed since it was verified). Returns the staged database."""
    expected = {m["name"]: m for m in manifest["members"]}
    wanted = {m["name"] for m in to_write} | {manifest["database"]["member"]}
    staged_db = staging / "database"
    with _open_archive(path) as tar:
        for info in tar:
            if info.name not in wanted or not info.isfile():
                continue
            target = staged_db if info.name == manifest["database"]["member"] else staging / "files" / info.name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with tar.extractfile(info) as source, open(target, "wb") as sink:
                for chunk in iter(lambda s=source: s.read(CHUNK), b""):
                    digest.update(chunk)
                    sink.write(chunk)
            if digest.hexdigest() != expected[info.name]["sha256"]:
                raise BackupError(f"The archive changed while it was read ({info.name}). Nothing was changed.")
            wanted.discard(info.name)
    if wanted:
        raise BackupError(f"The archive changed while it was read ({sorted(wanted)[0]} is gone). Nothing was changed.")
    return staged_db


def _restore_sqlite(connection, staged: Path) -> None:
    """Copy the backup's database into the configured one with SQLite's backup API (the whole file replaced, WAL
    and locks handled by SQLite)."""
    connection.ensure_connection()
    source = sqlite3.connect(staged)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def _restore_postgresql(connection, staged: Path, manifest: dict) -> None:
    """Drop the (empty) tables of the target, then pg_restore the dump into it in one transaction."""
    tool, _major, _version = find_pg_tool("pg_restore", min_major=int(manifest["database"].get("dump_major") or 0))
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if tables:
        with connection.schema_editor(atomic=True) as editor:
            for table in tables:
                editor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
    sd = connection.settings_dict
    connection.close()
    result = subprocess.run(
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",  # what the dropped tables leave behind (the collation) is replaced too
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={sd['NAME']}",
            str(staged),
        ],
        env=_pg_env(sd),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            f"pg_restore failed ({result.returncode}); the restore was rolled back (the database is empty; the files "
            f"were not written): {result.stderr.strip()}"
        )


def _place_files(staging: Path, to_write: list[dict]) -> int:
    mode = getattr(settings, "FILE_UPLOAD_PERMISSIONS", None) or 0o640
    dir_mode = getattr(settings, "FILE_UPLOAD_DIRECTORY_PERMISSIONS", None)
    written = 0
    for member in to_write:
        target: Path = member["target"]
        target.parent.mkdir(parents=True, exist_ok=True, **({"mode": dir_mode} if dir_mode else {}))
        shutil.move(staging / "files" / member["name"], target)
        os.chmod(target, mode)
        written += member["size"]
    return written


def _staging_dir() -> Path:
    """Beside the private root when that is writable (one file system: the files are renamed into place)."""
    parent = Path(settings.PRIVATE_MEDIA_ROOT).resolve().parent
    try:
        return Path(tempfile.mkdtemp(prefix=".ktd-restore-", dir=parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix="ktd-restore-"))


def pending_migrations(connection) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def backup_restore(
    path: str | Path, *, using: str = "default", progress: Callable[[str], None] | None = None
) -> RestoreResult:
    """Check the archive, refuse what must be refused (see the module's docstring), then restore the database and
    the files."""
    started = time.monotonic()
    say = progress or (lambda message: None)
    path = Path(path)
    connection = connections[using]
    say(f"Checking {path} …")
    manifest = archive_verify(path)
    vendor = manifest["database"]["vendor"]
    here = _vendor(connection)
    if vendor != here:
        names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
        raise BackupError(
            f"The archive holds a {names[vendor]} database and this installation uses {names[here]}: a backup is "
            f"restored into the same kind of database. Point DATABASE_URL at an empty {names[vendor]} database and "
            "run the restore again. Nothing was changed."
        )
    _ensure_known_migrations(manifest)
    _ensure_empty(connection)
    to_write, present = _file_plan(manifest)
    staging = _staging_dir()
    try:
        say(f"Extracting the database and {len(to_write)} file(s) …")
        staged_db = _stage(path, manifest, to_write, staging)
        _ensure_empty(connection)  # again: extracting may have taken a while
        say("Restoring the database …")
        if vendor == "sqlite":
            _restore_sqlite(connection, staged_db)
        else:
            _restore_postgresql(connection, staged_db, manifest)
        say("Placing the files …")
        file_bytes = _place_files(staging, to_write)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    connection.close()
    return RestoreResult(
        archive=str(path),
        vendor=vendor,
        created_at=manifest["created_at"],
        database_bytes=manifest["database"].get("bytes", 0),
        migrations=manifest["migrations"]["count"],
        files_written=len(to_write),
        files_present=len(present),
        file_bytes=file_bytes,
        seconds=time.monotonic() - started,
        sha256=_sha256_file(path),
        pending_migrations=pending_migrations(connection),
    )


def created_at_text(value: str) -> str:
    """The manifest's creation time in the server's time zone, dd/mm/yyyy HH:MM."""
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


size_text = _size
