"""One bloc's year as a ZIP for the archive (`manage.py export_year`): its issued documents as PDF, every report,
evidence and dossier file, the ranking (Excel), the ballots' counts (CSV), a manifest.json with the SHA-256 of every
entry and a short table of contents in Vietnamese (MỤC LỤC.txt).

    van-ban/            every issued document of the year (plan, covenant, conference and vote-count minutes, summary
                        report, submission letters): the stored rendering of the issued revision when there is one,
                        else rendered now by the application's renderer (core.documents)
    du-thao/            with drafts=True only: the documents not issued, rendered as they stand
    xep-hang/           the ranking (scoring.excel.export_ranking, as the ranking page exports it)
    bo-phieu/           the counts of every published ballot, one row per candidate (CSV, UTF-8 with BOM for Excel)
    bao-cao/            every version of every file the units sent for the year's deadlines
    minh-chung/         every evidence file behind the units' scores
    ho-so-de-nghi/      the dossiers of the proposals sent to the province
    du-thao-bao-cao/    the drafts of the bloc's report published for comments
    MỤC LỤC.txt, manifest.json

Counts of a ballot not yet published are secret: the CSV lists such a ballot with its state and no counts.
"""

import csv
import datetime
import hashlib
import io
import json
import os
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Model
from django.utils import timezone, translation

from awards.enums import BallotStatus
from awards.models import Ballot, BallotCandidate, DossierFile, Proposal, SubmissionLetter, VoteCountMinutes
from awards.services.documents import SUBMISSION_LETTER, VOTE_COUNT_MINUTES
from blocs.models import Covenant, EmulationYear
from blocs.services import ascii_slug
from conference.models import ConferenceMinutes, ConferencePlan, DraftReport, SummaryReport
from core.documents import registry
from core.documents.render import render_pdf
from core.models import RenderedDocument
from reports.models import SubmissionVersion
from scoring import excel
from scoring.models import CriteriaTable, Evidence
from scoring.selectors import ranking_for_year

CHUNK = 1024 * 1024
TOC_NAME = "MỤC LỤC.txt"
MANIFEST_NAME = "manifest.json"

# The sections of the archive, in the table of contents' order: folder -> its heading in MỤC LỤC.txt.
SECTIONS = {
    "van-ban": "VĂN BẢN ĐÃ BAN HÀNH",
    "du-thao": "VĂN BẢN CHƯA BAN HÀNH (DỰ THẢO, IN THEO NỘI DUNG HIỆN TẠI)",
    "xep-hang": "BẢNG XẾP HẠNG",
    "bo-phieu": "KẾT QUẢ BỎ PHIẾU",
    "bao-cao": "BÁO CÁO CỦA CÁC ĐƠN VỊ",
    "minh-chung": "TÀI LIỆU MINH CHỨNG",
    "ho-so-de-nghi": "HỒ SƠ ĐỀ NGHỊ KHEN THƯỞNG",
    "du-thao-bao-cao": "DỰ THẢO BÁO CÁO TỔNG KẾT ĐƯA RA LẤY Ý KIẾN",
}


@dataclass
class Entry:
    path: str
    section: str
    description: str
    size: int = 0
    sha256: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExportResult:
    output: str
    entries: list[Entry]
    missing: list[dict]  # files a record names that are not in private storage
    not_issued: list[str]  # documents of the year not issued (not in the archive unless drafts=True)
    bytes: int
    seconds: float

    def count(self, section: str) -> int:
        return sum(1 for e in self.entries if e.section == section)


def _dmy(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def _slug(text: str, fallback: str = "tep") -> str:
    return ascii_slug(str(text).replace("/", "-")) or fallback


def _code(text: str) -> str:
    """A code as it is written (KTĐNC, I.1), made safe for a path: KTDNC, I-1."""
    decomposed = unicodedata.normalize("NFKD", str(text).replace("Đ", "D").replace("đ", "d"))
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-") or "x"


def _short(slug: str, limit: int = 60) -> str:
    """A slug cut at a word boundary."""
    return slug if len(slug) <= limit else slug[:limit].rsplit("-", 1)[0]


def _file_name(original: str, fallback: str) -> str:
    """A safe file name that keeps its extension: the name's slug, then the extension."""
    stem, ext = os.path.splitext(os.path.basename(original or ""))
    ext = "".join(ch for ch in ext.lower() if ch.isalnum() or ch == ".")[:10]
    return _slug(stem, fallback) + ext


class _Writer:
    """Adds entries to the ZIP, hashing what it writes; paths are made unique (…-2, …-3)."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.entries: list[Entry] = []
        self.used: set[str] = set()
        self.moment = timezone.localtime().timetuple()[:6]

    def _unique(self, path: str) -> str:
        stem, ext = os.path.splitext(path)
        candidate, n = path, 1
        while candidate in self.used:
            n += 1
            candidate = f"{stem}-{n}{ext}"
        self.used.add(candidate)
        return candidate

    def _info(self, path: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=self.moment)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def add_bytes(self, entry: Entry, data: bytes) -> Entry:
        entry.path = self._unique(entry.path)
        self.archive.writestr(self._info(entry.path), data)
        entry.size, entry.sha256 = len(data), hashlib.sha256(data).hexdigest()
        self.entries.append(entry)
        return entry

    def add_stream(self, entry: Entry, source) -> Entry:
        entry.path = self._unique(entry.path)
        digest, size = hashlib.sha256(), 0
        with self.archive.open(self._info(entry.path), "w", force_zip64=True) as sink:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
                sink.write(chunk)
        entry.size, entry.sha256 = size, digest.hexdigest()
        self.entries.append(entry)
        return entry


# --- the year's official documents -----------------------------------------------------------------------------


def _document_records(year: EmulationYear) -> Iterator[tuple[str, str, Model]]:
    """(registry kind, Vietnamese name, record) of every document record the year has, issued or not."""
    for plan in ConferencePlan.objects.filter(year=year).order_by("version", "id"):
        yield "conference.plan", "Kế hoạch tổ chức Hội nghị tổng kết", plan
    for covenant in Covenant.objects.filter(year=year):
        yield "blocs.covenant", "Bản giao ước thi đua", covenant
    for minutes in ConferenceMinutes.objects.filter(year=year):
        yield "conference.minutes", "Biên bản Hội nghị tổng kết", minutes
    for minutes in VoteCountMinutes.objects.filter(year=year):
        yield VOTE_COUNT_MINUTES.name, "Biên bản kiểm phiếu", minutes
    for summary in SummaryReport.objects.filter(year=year):
        yield "conference.summary", "Báo cáo tổng kết của Khối", summary
    letters = SubmissionLetter.objects.filter(proposal__award_kind__year=year).order_by(
        "proposal__award_kind__order", "proposal__unit__name"
    )
    for letter in letters:
        yield SUBMISSION_LETTER.name, "Tờ trình đề nghị khen thưởng", letter


def _unsaved_drafts(year: EmulationYear) -> Iterator[tuple[str, str, Model]]:
    """The documents that exist only as text so far (no row until they are rendered or issued): the vote-count
    minutes once a ballot is published, and each proposal's submission letter."""
    minutes = VOTE_COUNT_MINUTES.current(year)
    if minutes is not None and minutes.pk is None:
        yield VOTE_COUNT_MINUTES.name, "Biên bản kiểm phiếu", minutes
    proposals = Proposal.objects.filter(award_kind__year=year, submission_letter__isnull=True).order_by(
        "award_kind__order", "unit__name"
    )
    for proposal in proposals.select_related("award_kind__year__bloc", "unit"):
        yield SUBMISSION_LETTER.name, "Tờ trình đề nghị khen thưởng", SUBMISSION_LETTER.current(proposal)


def _stored_pdf(kind: str, record: Model, version: int) -> bytes | None:
    """The stored PDF rendering of this revision of the record, if one was made and its file is there."""
    rendered = (
        RenderedDocument.objects.filter(
            kind=kind,
            object_id=str(record.pk),
            object_version=version,
            format=RenderedDocument.Format.PDF,
            status=RenderedDocument.Status.DONE,
        )
        .exclude(file="")
        .order_by("-created_at", "-id")
        .first()
    )
    if rendered is None:
        return None
    try:
        with rendered.file.open("rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def _document_entry(kind: str, label: str, record: Model, *, folder: str) -> tuple[Entry, bytes]:
    spec = registry.get(kind)
    loaded = spec.load(str(record.pk)) if record.pk is not None else record
    document = spec.build(loaded)
    version = spec.version(loaded) if record.pk is not None else 0
    data = _stored_pdf(kind, record, version) if record.pk is not None and folder == "van-ban" else None
    source = "stored rendering" if data is not None else "rendered at export"
    if data is None:
        data = render_pdf(document)
    number = getattr(loaded, "number_text", "") if getattr(loaded, "number", None) else ""
    title = " ".join(line for line in document.title_lines if line).strip()
    description = f"{label}" + (f" số {number}" if number else "") + f", {_dmy(document.header.date)}"
    if title:
        description += f": {title}"
    prefix = _code(number) + "-" if number else ""
    entry = Entry(
        path=f"{folder}/{prefix}{_slug(document.file_stem, 'van-ban')}.pdf",
        section=folder,
        description=description,
        details={
            "kind": kind,
            "record_id": record.pk,
            "number": number,
            "revision": version,
            "date": document.header.date.isoformat(),
            "issued_at": loaded.issued_at.isoformat() if getattr(loaded, "issued_at", None) else None,
            "source": source,
        },
    )
    return entry, data


def _documents(writer: _Writer, year: EmulationYear, *, drafts: bool) -> list[str]:
    not_issued = []
    records = list(_document_records(year))
    for kind, label, record in records:
        if record.is_issued:
            entry, data = _document_entry(kind, label, record, folder="van-ban")
            writer.add_bytes(entry, data)
    for kind, label, record in [r for r in records if not r[2].is_issued] + list(_unsaved_drafts(year)):
        if drafts:
            entry, data = _document_entry(kind, label, record, folder="du-thao")
            not_issued.append(f"{entry.description} ({entry.path})")
            writer.add_bytes(entry, data)
        else:
            scope = f" – {record.proposal.unit.name}" if isinstance(record, SubmissionLetter) else ""
            not_issued.append(f"{label}{scope}")
    return not_issued


# --- ranking and ballots ---------------------------------------------------------------------------------------


def _ranking(writer: _Writer, year: EmulationYear) -> None:
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
        for r in ranking_for_year(year)
    ]
    table = CriteriaTable.objects.filter(year=year).first()
    published = table.ranking_published_at if table else None
    title = f"Bảng xếp hạng năm {year.year} – {year.bloc.name}"
    state = f"công bố ngày {_dmy(published)}" if published else "chưa công bố"
    writer.add_bytes(
        Entry(
            path=f"xep-hang/bang-xep-hang-{year.year}.xlsx",
            section="xep-hang",
            description=f"Bảng xếp hạng {len(rows)} đơn vị ({state})",
            details={"units": len(rows), "published_at": published.isoformat() if published else None},
        ),
        excel.export_ranking(rows, title=title),
    )


BALLOT_COLUMNS = (
    "Cuộc bỏ phiếu",
    "Vòng",
    "Hình thức",
    "Trạng thái",
    "Công bố lúc",
    "Số đơn vị thành viên",
    "Số đơn vị có mặt",
    "Phiếu phát ra",
    "Phiếu thu về",
    "Phiếu không hợp lệ",
    "Đơn vị",
    "Hạng khi lập danh sách",
    "Điểm",
    "Xếp loại",
    "Số phiếu đồng ý",
    "Kết quả",
)


def _ballots(writer: _Writer, year: EmulationYear) -> None:
    ballots = list(
        Ballot.objects.filter(year=year)
        .select_related("award_kind")
        .order_by("kind", "award_kind__order", "round", "id")
    )
    candidates: dict[int, list[BallotCandidate]] = {}
    for candidate in BallotCandidate.objects.filter(ballot__in=ballots).select_related("unit").order_by("order", "id"):
        candidates.setdefault(candidate.ballot_id, []).append(candidate)
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(BALLOT_COLUMNS)
    published = 0
    with translation.override("vi"):
        for ballot in ballots:
            visible = ballot.status == BallotStatus.PUBLISHED
            published += visible
            head = [
                str(ballot.title),
                ballot.round,
                ballot.get_method_display(),
                ballot.get_status_display(),
                _dmy(ballot.published_at),
                ballot.member_count if ballot.member_count is not None else "",
                ballot.present_count if ballot.present_count is not None else "",
                ballot.paper_issued if ballot.paper_issued is not None else "",
                ballot.paper_returned if ballot.paper_returned is not None else "",
                ballot.paper_invalid if ballot.paper_invalid is not None else "",
            ]
            for candidate in candidates.get(ballot.pk, []) or [None]:
                if candidate is None:
                    out.writerow(head + [""] * 6)
                    continue
                votes = candidate.votes if visible and candidate.votes is not None else ""
                out.writerow(
                    [
                        *head,
                        candidate.unit.name,
                        candidate.rank if candidate.rank is not None else "",
                        str(candidate.total).replace(".", ",") if candidate.total is not None else "",
                        candidate.classification,
                        votes,
                        candidate.get_outcome_display() if visible and candidate.outcome else "",
                    ]
                )
    writer.add_bytes(
        Entry(
            path=f"bo-phieu/ket-qua-bo-phieu-{year.year}.csv",
            section="bo-phieu",
            description=f"{len(ballots)} cuộc bỏ phiếu, {published} đã công bố kết quả (một dòng mỗi ứng viên)",
            details={"ballots": len(ballots), "published": published},
        ),
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
    )


# --- files -----------------------------------------------------------------------------------------------------


def _add_file(writer: _Writer, missing: list[dict], entry: Entry, field_file) -> None:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        missing.append({"path": entry.path, "stored_as": field_file.name, "description": entry.description})
        return
    with handle:
        entry.details["stored_as"] = field_file.name
        writer.add_stream(entry, handle)


def _report_files(year: EmulationYear) -> Iterable[tuple[Entry, Any]]:
    versions = (
        SubmissionVersion.objects.filter(submission__deadline__year=year)
        .select_related("submission__deadline", "submission__unit")
        .order_by("submission__deadline__due_at", "submission__deadline_id", "submission__unit__name", "number")
    )
    for version in versions:
        submission = version.submission
        deadline, unit = submission.deadline, submission.unit
        due = timezone.localtime(deadline.due_at)
        folder = f"bao-cao/{due:%Y-%m-%d}-{_short(_slug(deadline.title))}"
        late = f", muộn {round(version.late_seconds / 3600)} giờ" if version.late_seconds else ""
        yield (
            Entry(
                path=f"{folder}/{_code(unit.code)}-v{version.number}-{_file_name(version.original_name, 'bao-cao')}",
                section="bao-cao",
                description=f"{deadline.title} – {unit.name}, lần {version.number}, gửi {_dmy(version.submitted_at)}"
                f"{late} ({version.original_name})",
                details={"deadline": deadline.title, "unit": unit.code, "version": version.number},
            ),
            version.file,
        )


def _evidence_files(year: EmulationYear) -> Iterable[tuple[Entry, Any]]:
    evidence = (
        Evidence.objects.filter(score__sheet__year=year)
        .select_related("score__sheet__unit", "score__criterion")
        .order_by("score__sheet__unit__name", "score__criterion__order", "score__criterion_id", "uploaded_at", "id")
    )
    for item in evidence:
        unit, criterion = item.score.sheet.unit, item.score.criterion
        yield (
            Entry(
                path=f"minh-chung/{_code(unit.code)}/{_code(criterion.code)}-{_file_name(item.original_name, 'tep')}",
                section="minh-chung",
                description=f"{unit.name} – tiêu chí {criterion.code} ({item.original_name})",
                details={"unit": unit.code, "criterion": criterion.code},
            ),
            item.file,
        )


def _dossier_files(year: EmulationYear) -> Iterable[tuple[Entry, Any]]:
    files = (
        DossierFile.objects.filter(proposal__award_kind__year=year)
        .select_related("proposal__award_kind", "proposal__unit")
        .order_by("proposal__award_kind__order", "proposal__unit__name", "part", "uploaded_at", "id")
    )
    with translation.override("vi"):
        for item in files:
            proposal = item.proposal
            folder = f"ho-so-de-nghi/{_slug(proposal.award_kind.code)}-{_code(proposal.unit.code)}"
            yield (
                Entry(
                    path=f"{folder}/{item.part}-{_file_name(item.original_name, 'tep')}",
                    section="ho-so-de-nghi",
                    description=f"{proposal.award_kind.name} – {proposal.unit.name}: {item.get_part_display()} "
                    f"({item.original_name}, {_dmy(item.uploaded_at)})",
                    details={"award": proposal.award_kind.code, "unit": proposal.unit.code, "part": item.part},
                ),
                item.file,
            )


def _draft_reports(year: EmulationYear) -> Iterable[tuple[Entry, Any]]:
    for draft in DraftReport.objects.filter(year=year).order_by("version"):
        yield (
            Entry(
                path=f"du-thao-bao-cao/v{draft.version}-{_file_name(draft.original_name, 'du-thao')}",
                section="du-thao-bao-cao",
                description=f"Dự thảo lần {draft.version}, đưa ra lấy ý kiến {_dmy(draft.published_at)} "
                f"({draft.original_name})",
                details={"version": draft.version},
            ),
            draft.file,
        )


# --- the table of contents and the manifest ---------------------------------------------------------------------


def _size_vi(n: int) -> str:
    if n < 1024:
        return f"{n} byte"
    value, unit = (n / 1024, "KB") if n < 1024 * 1024 else (n / 1024 / 1024, "MB")
    return f"{value:.1f} {unit}".replace(".", ",")


def _toc(
    year: EmulationYear, result_entries: list[Entry], missing: list[dict], not_issued: list[str], now, *, drafts: bool
) -> str:
    bloc = year.bloc
    lines = [
        "MỤC LỤC HỒ SƠ LƯU TRỮ",
        f"{bloc.name} – năm {year.year}",
        f"Trưởng khối: {year.leader.name}" + (f"; Phó Trưởng khối: {year.deputy.name}" if year.deputy_id else ""),
        f"Xuất lúc {_dmy(now)}; {len(result_entries)} tệp (không kể tệp này và manifest.json).",
        "",
    ]
    numeral = iter(("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"))
    for section, heading in SECTIONS.items():
        entries = [e for e in result_entries if e.section == section]
        if not entries:
            continue
        lines.append(f"{next(numeral)}. {heading} ({len(entries)} tệp)")
        for i, entry in enumerate(entries, start=1):
            lines.append(f"  {i}. {entry.path} ({_size_vi(entry.size)})")
            lines.append(f"     {entry.description}")
        lines.append("")
    if not_issued:
        where = "dự thảo in trong thư mục du-thao/" if drafts else "không có trong hồ sơ"
        lines.append(f"Văn bản của năm chưa ban hành ({where}):")
        lines += [f"  - {item}" for item in not_issued]
        lines.append("")
    if missing:
        lines.append("Tệp có trong dữ liệu nhưng không tìm thấy trong kho lưu trữ (không có trong hồ sơ):")
        lines += [f"  - {m['description']} ({m['stored_as']})" for m in missing]
        lines.append("")
    lines.append(
        "Mã kiểm tra SHA-256 của từng tệp có trong manifest.json; kiểm tra một tệp: sha256sum <tên tệp> (Linux) "
        "hoặc certutil -hashfile <tên tệp> SHA256 (Windows)."
    )
    return "\r\n".join(lines) + "\r\n"  # CRLF: read on Windows as well


def export_year(year: EmulationYear, output: str | Path, *, drafts: bool = False) -> ExportResult:
    """Write the year's archive to `output` (under a temporary name, renamed when complete)."""
    started = time.monotonic()
    year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(pk=year.pk)
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    now = timezone.now()
    missing: list[dict] = []
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            writer = _Writer(archive)
            not_issued = _documents(writer, year, drafts=drafts)
            _ranking(writer, year)
            _ballots(writer, year)
            for source in (_report_files, _evidence_files, _dossier_files, _draft_reports):
                for entry, field_file in source(year):
                    _add_file(writer, missing, entry, field_file)
            toc = _toc(year, writer.entries, missing, not_issued, now, drafts=drafts)
            writer.add_bytes(Entry(path=TOC_NAME, section="", description="Mục lục"), toc.encode("utf-8"))
            manifest = {
                "format": "khoi-thi-dua-year-export",
                "format_version": 1,
                "created_at": now.isoformat(),
                "province": year.bloc.province.name,
                "bloc": {"code": year.bloc.code, "slug": year.bloc.slug, "name": year.bloc.name},
                "year": year.year,
                "leader": year.leader.name,
                "deputy": year.deputy.name if year.deputy_id else None,
                "phase": year.phase,
                "counts": {s: sum(1 for e in writer.entries if e.section == s) for s in SECTIONS},
                "not_issued": not_issued,
                "missing_files": missing,
                "entries": [
                    {"path": e.path, "size": e.size, "sha256": e.sha256, "description": e.description, **e.details}
                    for e in writer.entries
                ],
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, default=str).encode("utf-8")
            archive.writestr(writer._info(MANIFEST_NAME), data)
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return ExportResult(
        output=str(output),
        entries=writer.entries,
        missing=missing,
        not_issued=not_issued,
        bytes=output.stat().st_size,
        seconds=time.monotonic() - started,
    )
