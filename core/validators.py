"""Upload validation: the type is read from the content, never trusted from the name."""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "PDF", (".pdf",))
DOCX = FileKind("docx", "DOCX", (".docx",))
XLSX = FileKind("xlsx", "XLSX", (".xlsx",))
JPEG = FileKind("jpeg", "JPG", (".jpg", ".jpeg"))
PNG = FileKind("png", "PNG", (".png",))
KINDS = {k.code: k for k in (PDF, DOCX, XLSX, JPEG, PNG)}


def sniff(uploaded) -> FileKind | None:
    """The kind of a file from its first bytes (and, for Office files, the parts inside the zip)."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
    return None


def check_docx_opens(uploaded) -> None:
    """A DOCX is accepted only if Word's main part opens (python-docx reads it): a file that has the DOCX layout
    but garbage inside would be stored as a report nobody can open. It is opened in a bounded child process
    (core.inspect): a main part over DOCX_MAIN_PART_MAX_BYTES or parts unpacking to more than INSPECT_INFLATED_MB
    are refused before parsing, and the parse is held to INSPECT_MEMORY_MB and INSPECT_SECONDS."""
    from .inspect import Unreadable, inspect_file

    try:
        inspect_file("docx", uploaded, name=uploaded.name, main_part_max=settings.DOCX_MAIN_PART_MAX_BYTES)
    except Unreadable as exc:
        raise ValidationError(
            _(
                "The file “%(name)s” looks like a Word document but cannot be opened (it is damaged); save it again "
                "from Word, or as PDF, and try again."
            ),
            code="broken_docx",
            params={"name": uploaded.name},
        ) from exc
    finally:
        uploaded.seek(0)


@deconstructible
class UploadValidator:
    """Refuse empty, oversized, or wrongly typed files with a message that says which and why."""

    def __init__(self, kinds: tuple[str, ...], max_bytes: int | None = None):
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes

    def __call__(self, uploaded) -> None:
        limit = self.max_bytes or settings.UPLOAD_MAX_BYTES
        if uploaded.size == 0:
            raise ValidationError(_("The file “%(name)s” is empty."), code="empty", params={"name": uploaded.name})
        if uploaded.size > limit:
            raise ValidationError(
                _("The file “%(name)s” is %(size)s; the limit is %(limit)s."),
                code="too_large",
                params={
                    "name": uploaded.name,
                    "size": filesizeformat(uploaded.size),
                    "limit": filesizeformat(limit),
                },
            )
        kind = sniff(uploaded)
        labels = [KINDS[k].label for k in self.kinds]
        allowed = (
            labels[0]
            if len(labels) == 1
            else _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}
        )
        if kind is None or kind.code not in self.kinds:
            raise ValidationError(
                _("The file “%(name)s” is not a valid %(allowed)s file (its content was checked, not its name)."),
                code="bad_type",
                params={"name": uploaded.name, "allowed": allowed},
            )
        if not uploaded.name.lower().endswith(kind.extensions):
            raise ValidationError(
                _("The file “%(name)s” contains %(kind)s but its name ends otherwise; rename it and try again."),
                code="bad_extension",
                params={"name": uploaded.name, "kind": kind.label},
            )
        if kind is DOCX:
            check_docx_opens(uploaded)

    def __eq__(self, other):
        return isinstance(other, UploadValidator) and (self.kinds, self.max_bytes) == (
            other.kinds,
            other.max_bytes,
        )
