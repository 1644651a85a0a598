"""`manage.py export_year` (tools/export.py): the demo's 2020 year of the internal-affairs bloc as a ZIP for the
archive. Every entry is listed in manifest.json with its size and a SHA-256 that matches, and in MỤC LỤC.txt; the
issued documents are PDFs (the stored rendering of the issued revision when there is one, else rendered now); the
ranking workbook is the ranking; the ballots' CSV has the published counts; every report, evidence and dossier file
of the year is there as stored. The demo is built once for the module, inside a transaction rolled back at its end."""

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from openpyxl import load_workbook

from awards.enums import BallotStatus
from awards.models import BallotCandidate, DossierFile
from awards.services.documents import VOTE_COUNT_MINUTES
from blocs.models import EmulationYear
from conference.models import ConferenceMinutes
from core.documents import lifecycle
from core.documents.services import document_render, document_request
from core.models import User
from reports.models import SubmissionVersion
from scoring.models import Evidence, Score
from scoring.selectors import ranking_for_year
from tools.export import MANIFEST_NAME, TOC_NAME, export_year

from ..core.test_backup import seed_history


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_history()
            from conference.demo.summary import seed_summary_demo

            seed_summary_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2020))  # a draft: not issued
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def year(seeded, db):
    return EmulationYear.objects.select_related("bloc", "leader").get(bloc__slug="ktdnc", year=2020)


def read(path: Path) -> tuple[dict, dict[str, bytes]]:
    """The manifest and every entry of the ZIP, after checking each entry against the manifest."""
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        contents = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(contents[MANIFEST_NAME])
    listed = {e["path"]: e for e in manifest["entries"]}
    assert set(contents) == set(listed) | {MANIFEST_NAME}
    for name, entry in listed.items():
        assert (len(contents[name]), hashlib.sha256(contents[name]).hexdigest()) == (entry["size"], entry["sha256"])
    return manifest, contents


def under(contents: dict, folder: str) -> list[str]:
    return sorted(name for name in contents if name.startswith(folder + "/"))


def test_the_year_as_a_zip(year, tmp_path):
    result = export_year(year, tmp_path / "ktdnc-2020.zip")
    manifest, contents = read(tmp_path / "ktdnc-2020.zip")
    assert (manifest["bloc"]["code"], manifest["year"], manifest["leader"]) == ("KTĐNC", 2020, year.leader.name)

    # The issued documents: the plan 53/KH-KTĐNC and the conference minutes, as PDF.
    documents = [e for e in manifest["entries"] if e["path"].startswith("van-ban/")]
    assert [(e["kind"], e["number"]) for e in documents] == [
        ("conference.plan", "53/KH-KTĐNC"),
        ("conference.minutes", "01/BB-KTĐNC"),
    ]
    for entry in documents:
        assert contents[entry["path"]].startswith(b"%PDF")
    # Not issued: the summary report (the leader's draft), the vote-count minutes and the four submission letters.
    # (in the order their records were made: the vote-count minutes now store their committee as a draft)
    assert set(manifest["not_issued"][:2]) == {"Báo cáo tổng kết của Khối", "Biên bản kiểm phiếu"}
    assert len(manifest["not_issued"]) == 6 and under(contents, "du-thao") == []

    # The ranking, as ranking_for_year computes it.
    sheet = load_workbook(io.BytesIO(contents["xep-hang/bang-xep-hang-2020.xlsx"])).active
    rows = [(r[0], r[1], float(r[3])) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows == [(r.rank, r.unit.name, float(r.reviewed_total)) for r in ranking_for_year(year)]
    assert len(rows) == 8

    # The ballots' counts: a row per candidate of each published ballot, with its approvals.
    ballots = list(csv.DictReader(io.StringIO(contents["bo-phieu/ket-qua-bo-phieu-2020.csv"].decode("utf-8-sig"))))
    expected = BallotCandidate.objects.filter(ballot__year=year, ballot__status=BallotStatus.PUBLISHED)
    assert sorted((r["Đơn vị"], int(r["Số phiếu đồng ý"])) for r in ballots) == sorted(
        (c.unit.name, c.votes) for c in expected.select_related("unit")
    )
    assert len(ballots) == 9

    # Every file of the year, byte for byte as stored.
    stored = {
        "bao-cao": SubmissionVersion.objects.filter(submission__deadline__year=year),
        "minh-chung": Evidence.objects.filter(score__sheet__year=year),
        "ho-so-de-nghi": DossierFile.objects.filter(proposal__award_kind__year=year),
    }
    for folder, records in stored.items():
        files = {e["stored_as"]: contents[e["path"]] for e in manifest["entries"] if e["path"].startswith(folder)}
        assert sorted(files) == sorted(r.file.name for r in records) and files
        for record in records:
            with record.file.open("rb") as handle:
                assert files[record.file.name] == handle.read()
    assert (result.count("bao-cao"), result.count("minh-chung"), result.count("ho-so-de-nghi")) == (16, 39, 4)

    # MỤC LỤC.txt names every entry, in Vietnamese.
    toc = contents[TOC_NAME].decode("utf-8")
    assert toc.startswith("MỤC LỤC HỒ SƠ LƯU TRỮ\r\nKhối thi đua Nội chính tỉnh Tuyên Quang – năm 2020")
    assert "I. VĂN BẢN ĐÃ BAN HÀNH (2 tệp)" in toc and "Kế hoạch tổ chức Hội nghị tổng kết số 53/KH-KTĐNC" in toc
    assert all(path in toc for path in contents if path not in (TOC_NAME, MANIFEST_NAME))
    assert "Văn bản của năm chưa ban hành (không có trong hồ sơ):" in toc
    assert manifest["missing_files"] == []


def test_a_stored_rendering_is_the_one_archived_and_a_newly_issued_document_is_added(year, tmp_path):
    leader = User.objects.filter(person__unit=year.leader).first()
    minutes = ConferenceMinutes.objects.get(year=year)
    rendered = document_request(kind="conference.minutes", obj=minutes, fmt="pdf", by=leader)
    rendered = document_render(rendered_id=rendered.pk)
    with rendered.file.open("rb") as handle:
        stored = handle.read()
    lifecycle.issue(VOTE_COUNT_MINUTES, VOTE_COUNT_MINUTES.current(year), by=leader)

    export_year(year, tmp_path / "year.zip")
    manifest, contents = read(tmp_path / "year.zip")
    documents = {e["kind"]: e for e in manifest["entries"] if e["path"].startswith("van-ban/")}
    assert sorted(documents) == ["awards.vote_count_minutes", "conference.minutes", "conference.plan"]
    assert documents["conference.minutes"]["source"] == "stored rendering"
    assert contents[documents["conference.minutes"]["path"]] == stored
    assert documents["awards.vote_count_minutes"]["source"] == "rendered at export"
    assert contents[documents["awards.vote_count_minutes"]["path"]].startswith(b"%PDF")
    assert "Biên bản kiểm phiếu" not in manifest["not_issued"]


def test_drafts_on_demand_and_missing_files_listed(year, tmp_path):
    score = Score.objects.filter(sheet__year=year).first()
    Evidence.objects.create(score=score, file="scoring/gone/lost.pdf", original_name="lost.pdf", size=3)

    result = export_year(year, tmp_path / "year.zip", drafts=True)
    manifest, contents = read(tmp_path / "year.zip")
    drafts = under(contents, "du-thao")
    assert len(drafts) == 6 and all(contents[name].startswith(b"%PDF") for name in drafts)
    assert manifest["counts"]["du-thao"] == 6 and len(result.not_issued) == 6
    assert [m["stored_as"] for m in manifest["missing_files"]] == ["scoring/gone/lost.pdf"]
    assert "scoring/gone/lost.pdf" in contents[TOC_NAME].decode("utf-8")


def test_the_command(year, tmp_path):
    out = io.StringIO()
    output = tmp_path / "ktdnc-2020.zip"
    call_command("export_year", "--bloc", "KTĐNC", "--year", "2020", "--output", str(output), stdout=out)
    assert out.getvalue().startswith(f"{output}: 64 files (van-ban/ 2, xep-hang/ 1, bo-phieu/ 1, bao-cao/ 16, ")
    assert "ho-so-de-nghi/ 4, MỤC LỤC.txt) and manifest.json, " in out.getvalue()
    said = out.getvalue()
    assert "Not issued (not in the archive; --drafts renders them): " in said
    assert "Báo cáo tổng kết của Khối;" in said and "Biên bản kiểm phiếu;" in said
    read(output)
    with pytest.raises(CommandError, match="No year 1999 for the bloc 'ktdnc'"):
        call_command("export_year", "--bloc", "ktdnc", "--year", "1999", "--output", str(output))
    with pytest.raises(CommandError, match=r"ending in \.zip"):
        call_command("export_year", "--bloc", "ktdnc", "--year", "2020", "--output", str(tmp_path / "x.tar"))
