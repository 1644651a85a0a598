"""The summary report written in the browser: its content (a title and up to six sections) as an official
document in the Decree 30 layout, rendered to the PDF that is measured and submitted like an upload."""

import datetime
import re
import time
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

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


def content_chars(content: dict) -> int:
    """Characters the summary holds: its title, headings and texts."""
    sections = content.get("sections", [])
    return len(content.get("title", "")) + sum(len(s.get("heading", "")) + len(s.get("text", "")) for s in sections)


def check_content_size(content: dict) -> None:
    """A body longer than SUMMARY_MEASURE_MAX_CHARS is not rendered (rendering is synchronous and its time grows
    with the text; a summary of a page and a half holds far less)."""
    chars, limit = content_chars(content), settings.SUMMARY_MEASURE_MAX_CHARS
    if chars > limit:
        raise ValidationError(
            _(
                "The summary holds %(chars)s characters, more than the %(limit)s that can be laid out on its pages; "
                "shorten it."
            )
            % {"chars": f"{chars:,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")},
            code="too_long",
        )


@contextmanager
def measure_slot(user):
    """One measurement at a time per user, and at most SUMMARY_MEASURE_PER_MINUTE a minute (counted in the shared
    cache, so across web processes)."""
    busy = f"reports:measure:busy:{user.pk}"
    minute = f"reports:measure:count:{user.pk}:{int(time.time() // 60)}"
    cache.add(minute, 0, timeout=120)
    try:
        count = cache.incr(minute)
    except ValueError:  # expired between add and incr
        cache.add(minute, 1, timeout=120)
        count = 1
    if count > settings.SUMMARY_MEASURE_PER_MINUTE:
        raise ValidationError(
            _("You measured the summary %(n)d times this minute, the most allowed; wait a minute and try again.")
            % {"n": settings.SUMMARY_MEASURE_PER_MINUTE},
            code="throttled",
        )
    if not cache.add(busy, 1, timeout=settings.INSPECT_SECONDS * 3):
        raise ValidationError(
            _("Your previous measurement of the summary is still running; wait for it and try again."),
            code="busy",
        )
    try:
        yield
    finally:
        cache.delete(busy)


def summary_measure(*, deadline: Deadline, unit: Unit, content: dict, by) -> tuple[int, Decimal]:
    """(pages, length in A4 pages) of the summary as written, for the editor's "measure": size-checked, throttled
    per user (measure_slot), rendered, then measured in a bounded child process like an upload."""
    from .services.submissions import summary_length

    check_content_size(content)
    with measure_slot(by):
        upload = summary_file(deadline=deadline, unit=unit, content=content)
        return summary_length(upload, name=FILE_NAME)


def summary_file(*, deadline: Deadline, unit: Unit, content: dict) -> ContentFile:
    """The rendered PDF, ready for submission_upload (which measures it like any uploaded summary). A body over
    SUMMARY_MEASURE_MAX_CHARS is refused before rendering."""
    check_content_size(content)
    pdf = render_pdf(summary_document(deadline=deadline, unit=unit, content=content))
    return ContentFile(pdf, name=FILE_NAME)
