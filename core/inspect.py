"""Bounded inspection of uploaded files, off the web process's memory.

Opening a file someone sent (a PDF's pages, a DOCX's main part, a workbook's rows) runs a parser on data that
may be built to explode: a 1 MB PDF whose content stream inflates to 1 GB, a DOCX whose document.xml unpacks to
gigabytes. Every such inspection runs here, in a child Python process (`python -I`, without Django), with limits:

- memory: the child's address space (RLIMIT_AS) is INSPECT_MEMORY_MB;
- time: INSPECT_SECONDS of CPU (RLIMIT_CPU) and of wall clock (the parent kills the child);
- size: a PDF of more than PDF_MAX_PAGES pages, or a file whose content unpacks to more than INSPECT_INFLATED_MB
  (counted while inflating, in bounded chunks, never held whole), is refused before it is parsed.

The parent passes the file's path and gets back a small JSON result; a limit reached raises `LimitExceeded` (a
ValidationError naming the limit), a file the parser cannot read raises `Unreadable` (each caller says what that
means for its kind of file). The child's functions are the `_inspect_*` ones below; they use only the standard
library and the parsers, so the module runs both as `core.inspect` (the parent) and, loaded from its path, in
the child.
"""

import json
import os
import sys
import tempfile
import time

from django.core.exceptions import ValidationError

KINDS = ("pdf", "docx", "xlsx")  # a "pdf" inspection may also measure the last page or return the text lines
CHUNK = 1024 * 1024

# The child: started as `python -I -c BOOT <path of this file> <kind>`, the request as JSON on stdin.
BOOT = (
    "import importlib.util, sys; "
    "spec = importlib.util.spec_from_file_location('khoi_inspect_child', sys.argv[1]); "
    "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); module.child_main(sys.argv[2])"
)


class LimitExceeded(ValidationError):
    """A limit of the inspection was reached; `limit` names it ("pages", "inflated", "memory", "time")."""

    limit = ""


class Unreadable(Exception):
    """The parser could not read the file (damaged, not what it claims to be); `detail` says what failed."""

    def __init__(self, detail: str = ""):
        self.detail = detail
        super().__init__(detail)


# --- the parent --------------------------------------------------------------------------------------------


def _limit_error(code: str, name: str, params: dict) -> LimitExceeded:
    from django.conf import settings
    from django.template.defaultfilters import filesizeformat
    from django.utils.translation import gettext as _

    values = {"name": name or "…"}
    if code == "pages":
        message = _("The file “%(name)s” has %(pages)d pages; files of at most %(limit)d pages are accepted.")
        values.update(pages=params.get("pages", 0), limit=settings.PDF_MAX_PAGES)
    elif code == "inflated":
        message = _(
            "The file “%(name)s” unpacks to more than %(limit)s, the most a file may hold once unpacked; it was "
            "refused. Save it again (for example print it to PDF) and try again."
        )
        values.update(limit=filesizeformat(settings.INSPECT_INFLATED_MB * 1024 * 1024))
    elif code == "memory":
        message = _(
            "Checking the file “%(name)s” needed more than %(limit)s of memory, the most a check may use; it was "
            "refused. Save it again (for example print it to PDF) and try again."
        )
        values.update(limit=filesizeformat(settings.INSPECT_MEMORY_MB * 1024 * 1024))
    else:
        message = _(
            "Checking the file “%(name)s” took longer than %(limit)d seconds, the most a check may take; it was "
            "refused. Save it again (for example print it to PDF) and try again."
        )
        values.update(limit=settings.INSPECT_SECONDS)
    error = LimitExceeded(message % values, code=f"limit_{code}")
    error.limit = code
    return error


def _path_of(source) -> tuple[str, bool]:
    """A path the child can open: the upload's own temporary file, else a copy (streamed, not read whole)."""
    if isinstance(source, str | os.PathLike):
        return os.fspath(source), False
    if hasattr(source, "temporary_file_path"):
        try:
            return source.temporary_file_path(), False
        except (AttributeError, OSError):
            pass
    handle, path = tempfile.mkstemp(prefix="inspect-", suffix=".bin")
    with os.fdopen(handle, "wb") as out:
        if isinstance(source, bytes | bytearray | memoryview):
            out.write(source)
        else:
            source.seek(0)
            while chunk := source.read(CHUNK):
                out.write(chunk)
            source.seek(0)
    return path, True


def inspect_file(kind: str, source, *, name: str = "", **params) -> dict:
    """Run the inspection `kind` ("pdf", "docx", "xlsx") on `source` (an upload, bytes or a path) in a bounded
    child process; its small result as a dict. Raises the LimitExceeded ValidationError or Unreadable."""
    import subprocess

    from django.conf import settings

    if kind not in KINDS:
        raise ValueError(kind)
    name = name or getattr(source, "name", "") or ""
    path, temporary = _path_of(source)
    seconds = settings.INSPECT_SECONDS
    request = {
        "path": path,
        "memory": settings.INSPECT_MEMORY_MB * 1024 * 1024,
        "seconds": seconds,
        "max_pages": settings.PDF_MAX_PAGES,
        "max_inflated": settings.INSPECT_INFLATED_MB * 1024 * 1024,
        **params,
    }
    try:
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-c", BOOT, os.path.abspath(__file__), kind],
                input=json.dumps(request).encode(),
                capture_output=True,
                timeout=seconds + 1,
                env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
                close_fds=True,
            )
        except subprocess.TimeoutExpired as exc:  # run() killed the child
            raise _limit_error("time", name, {}) from exc
    finally:
        if temporary:
            os.unlink(path)
    try:
        answer = json.loads(done.stdout.decode() or "null")
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        # No answer: killed by the CPU limit (SIGXCPU/SIGKILL), or the allocator died at the memory limit.
        if done.returncode in (-9, -24) or b"MemoryError" in done.stderr:
            raise _limit_error("time" if done.returncode == -24 else "memory", name, {})
        raise Unreadable(done.stderr.decode(errors="replace")[-500:])
    if "limit" in answer:
        raise _limit_error(answer["limit"], name, answer)
    if "error" in answer:
        raise Unreadable(answer["error"])
    return answer["result"]


# --- the child ---------------------------------------------------------------------------------------------


class _Limit(Exception):
    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(code)


def _count_inflated(raw: bytes, budget: int) -> int:
    """Bytes that a FlateDecode stream inflates to, counted by chunks; stops past `budget`."""
    import zlib

    inflater = zlib.decompressobj()
    total = 0
    data = raw
    try:
        while data:
            out = inflater.decompress(data, CHUNK)
            total += len(out)
            if total > budget:
                raise _Limit("inflated")
            data = inflater.unconsumed_tail
            if not out and not data:
                break
    except zlib.error:
        pass  # a damaged stream: the parser decides whether the file is readable
    return total


def _stream_cost(stream, budget: int) -> int:
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)] if filters else []
    raw = stream._data if hasattr(stream, "_data") else b""
    if names and names[0] in ("/FlateDecode", "/Fl"):
        return _count_inflated(raw, budget)
    return len(raw)


def _inspect_pdf(request: dict) -> dict:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject

    reader = PdfReader(request["path"])
    if reader.is_encrypted:
        return {"encrypted": True}
    pages = len(reader.pages)
    if pages > request["max_pages"]:
        raise _Limit("pages", pages=pages)
    budget = request["max_inflated"]
    used = 0
    for page in reader.pages:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        streams = list(contents) if isinstance(contents, ArrayObject) else [contents] if contents is not None else []
        for stream in streams:
            used += _stream_cost(stream.get_object(), budget - used)
            if used > budget:
                raise _Limit("inflated")
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        for ref in xobjects.get_object().values() if xobjects is not None else []:
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form":
                used += _stream_cost(xobject, budget - used)
                if used > budget:
                    raise _Limit("inflated")
    result: dict = {"encrypted": False, "pages": pages}
    if request.get("measure"):
        import pdfplumber

        a4 = request["a4"]
        with pdfplumber.open(request["path"]) as pdf:
            for page in pdf.pages:
                if abs(page.width - a4[0]) > 3 or abs(page.height - a4[1]) > 3:
                    result["not_a4"] = {"n": page.page_number, "width": page.width, "height": page.height}
                    return result
            last = pdf.pages[-1] if pdf.pages else None
            bottoms = [c["bottom"] for c in last.chars] if last is not None else []
            result["used"] = max(bottoms) / last.height if bottoms else 0
    if request.get("lines"):
        result["lines"] = _pdf_lines(request["path"], int(request["lines"]))
    return result


def _pdf_lines(path: str, pages: int) -> list[tuple[str, bool]]:
    """The text lines of the first `pages` pages, each with whether all its letters are bold (a heading)."""
    import pdfplumber

    lines: list[tuple[str, bool]] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:pages]:
            for line in page.extract_text_lines(return_chars=True):
                letters = [c for c in line["chars"] if c["text"].strip()]
                bold = bool(letters) and all("bold" in c["fontname"].lower() for c in letters)
                lines.append((line["text"], bold))
    return lines


def _zip_budget(request: dict, largest_part: str | None = None, part_limit: int | None = None) -> None:
    import zipfile

    with zipfile.ZipFile(request["path"]) as archive:
        infos = archive.infolist()
    # Python's zipfile never inflates an entry beyond its declared size, so the declared sizes bound the work.
    if sum(info.file_size for info in infos) > request["max_inflated"]:
        raise _Limit("inflated")
    if largest_part is not None and part_limit is not None:
        for info in infos:
            if info.filename == largest_part and info.file_size > part_limit:
                raise _Limit("inflated")


def _inspect_docx(request: dict) -> dict:
    _zip_budget(request, "word/document.xml", request.get("main_part_max"))
    from docx import Document

    with open(request["path"], "rb") as handle:
        document = Document(handle)
    return {"paragraphs": len(document.paragraphs)}


def _inspect_xlsx(request: dict) -> dict:
    _zip_budget(request)
    from openpyxl import load_workbook

    handle = open(request["path"], "rb")  # noqa: SIM115  (a file object: openpyxl judges a path by its suffix)
    workbook = load_workbook(handle, read_only=True, data_only=request.get("data_only", True))
    rows = 0
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            for rows_here, _row in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows += 1
                if rows_here >= request.get("scan_limit", 50_000):
                    break
    finally:
        workbook.close()
        handle.close()
    return {"sheets": len(workbook.sheetnames), "rows": rows}


def _limit_behind(exc: BaseException | None) -> str | None:
    """A parser that wraps the failure in its own error: the memory limit (a MemoryError, or zlib's "unable to
    allocate"), or pypdf's own decompression limits."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, MemoryError) or "allocate" in str(exc).lower() or "insufficient memory" in str(exc):
            return "memory"
        if "LimitReached" in type(exc).__name__:
            return "inflated"
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def child_main(kind: str) -> None:
    import resource

    request = json.loads(sys.stdin.buffer.read())
    resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
    resource.setrlimit(resource.RLIMIT_CPU, (request["seconds"], request["seconds"] + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    started = time.monotonic()
    try:
        answer = {"result": globals()[f"_inspect_{kind}"](request)}
    except _Limit as limit:
        answer = {"limit": limit.code, **limit.params}
    except MemoryError:
        answer = {"limit": "memory"}
    except RecursionError:
        answer = {"error": "recursion"}
    except Exception as exc:  # any parser failure: the file is unreadable, unless a limit was behind it
        answer = (
            {"limit": _limit_behind(exc)} if _limit_behind(exc) else {"error": f"{type(exc).__name__}: {exc}"[:500]}
        )
    answer["seconds"] = round(time.monotonic() - started, 3)
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
