"""The summary report written in the browser: its content (a title and up to six sections) as an official
document in the Decree 30 layout, rendered to the PDF that is measured and submitted like an upload."""

import datetime
import re

from django.core.files.base import ContentFile
from django.utils import timezone

from blocs.models import Deadline, Unit
from core.documents import Block, Header, OfficialDocument, Recipient, Signature, render_pdf

SECTIONS = 6
FILE_NAME = "bao-cao-tom-tat.pdf"


def empty_content() -> dict:
    return {"title": "", "sections": []}


def default_title(deadline: Deadline, unit: Unit) -> str:
    return f"Tóm tắt kết quả công tác thi đua, khen thưởng năm {deadline.year.year} của {unit.name}"


def clean_content(title: str, sections: list[tuple[str, str]]) -> dict:
    """The JSON kept with the version: the title and the sections that hold something, in order."""
    kept = [
        {"heading": heading.strip(), "text": text.strip()}
        for heading, text in sections
        if heading.strip() or text.strip()
    ]
    return {"title": title.strip(), "sections": kept}


def _body(text: str) -> list[Block]:
    """One block a line: lines starting with "-" or "+" are bullets, the others paragraphs."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if re.match(r"^[-+•]\s*", line):
            blocks.append(Block("bullet", "- " + re.sub(r"^[-+•]\s*", "", line)))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def summary_document(*, deadline: Deadline, unit: Unit, content: dict, on: datetime.date | None = None):
    """The unit's summary as an official document. It has no number yet (the unit numbers it in its own
    register when it signs), hence "…/BC-<unit code>"."""
    year = deadline.year
    bloc = year.bloc
    blocks: list[Block] = []
    for n, section in enumerate(content.get("sections", []), start=1):
        heading = section.get("heading", "").strip()
        if heading:
            blocks.append(Block("heading", f"{n}. {heading}"))
        blocks += _body(section.get("text", ""))
    return OfficialDocument(
        header=Header(
            parent_body=bloc.issuer_name,
            issuer=unit.name.upper(),
            number=f"…/BC-{unit.code}",
            place=bloc.province.name,
            date=on or timezone.localdate(),
        ),
        doc_type="BÁO CÁO",
        title_lines=[content.get("title") or default_title(deadline, unit)],
        blocks=blocks,
        recipients=[Recipient(f"{year.leader.name} (Trưởng khối)", "B/cáo"), Recipient("Lưu: VT")],
        signature=Signature(unit.name.upper(), "", "", ""),
        file_stem="bao-cao-tom-tat",
    )


def summary_file(*, deadline: Deadline, unit: Unit, content: dict) -> ContentFile:
    """The rendered PDF, ready for submission_upload (which measures it like any uploaded summary)."""
    pdf = render_pdf(summary_document(deadline=deadline, unit=unit, content=content))
    return ContentFile(pdf, name=FILE_NAME)
