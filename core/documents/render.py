"""Render an OfficialDocument: HTML (preview and PDF source), PDF with WeasyPrint, DOCX with python-docx."""

import atexit
import gc
import io
import mimetypes
import os
import threading
import time
import weakref
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static

from .model import OfficialDocument

# Resources of a document are addressed under this origin; the fetcher below serves them from our own
# static files and refuses everything else (no file://, no network), so a document can never pull in
# what it should not, and renders the same on every machine.
DOC_ORIGIN = "http://ktd.documents/"
STATIC_PREFIX = "documents/"


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(DOC_ORIGIN):
                raise ValueError(f"Refused to fetch {url!r}: documents use only their own static files.")
            relative = url[len(DOC_ORIGIN) :].split("?")[0].split("#")[0]
            if ".." in relative.split("/"):
                raise ValueError(f"Refused to fetch {url!r}.")
            path = finders.find(STATIC_PREFIX + relative)
            if not path:
                raise ValueError(f"No such document resource: {relative!r}")
            with open(path, "rb") as handle:
                body = handle.read()
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})

    return StaticOnlyFetcher


@cache
def _fetcher():
    return _fetcher_class()()


def render_html(document: OfficialDocument, *, for_pdf: bool = False) -> str:
    """The document as HTML. The browser preview links the stylesheet from the static files; the PDF
    source links it from the document origin (the same file)."""
    stylesheet = DOC_ORIGIN + "official.css" if for_pdf else static(STATIC_PREFIX + "official.css")
    return _html(document, stylesheet)


def _html(document: OfficialDocument, stylesheet: str | None) -> str:
    """The template; without a stylesheet, no <link> (render_pdf passes the parsed stylesheet itself)."""
    return render_to_string("documents/official.html", {"doc": document, "stylesheet": stylesheet})


def weasyprint_alone(html: str) -> bytes:
    """WeasyPrint on ready HTML, nothing of ours around it: the baseline the benchmarks compare to."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return HTML(string=html, base_url=DOC_ORIGIN, url_fetcher=_fetcher()).write_pdf(font_config=font_config)


# What WeasyPrint lets a renderer reuse from one document to the next: the FontConfiguration (fontconfig's
# set with our four @font-face files registered, and Pango's font map with the fonts it has opened and shaped)
# and official.css parsed against it (the @font-face rules are registered with the FontConfiguration when the
# stylesheet is parsed, so the two go together). Neither is changed by a rendering: add_font_face skips a face
# it holds already, and the FontConfiguration's own caches (strut metrics, font features) are keyed by the
# style, bounded by the few styles of the stylesheet. Pango's objects are not safe across threads, nor across
# a fork: one pair per thread, made again in a forked child, when official.css changes on disk, and after
# STYLE_MAX_AGE (the font files sit in a temporary folder, which no cleaner of /tmp may remove under us).
STYLE_MAX_AGE = 3600  # seconds
_reusable = threading.local()
_made: "weakref.WeakSet[_PdfStyle]" = weakref.WeakSet()


@dataclass(eq=False)  # by identity: kept in a WeakSet
class _PdfStyle:
    key: tuple  # (process id, path, mtime, size) of official.css when it was parsed, and the font setting
    made_at: float
    font_config: Any
    stylesheet: Any
    font_sheet: Any = None  # DOCUMENT_FONT's override, if one is set


def font_override_css(font: str) -> str:
    """The stylesheet that puts DOCUMENT_FONT (a font installed on the machine, e.g. "Times New Roman") before the
    bundled serif, which stays as the fallback for any glyph it lacks."""
    name = font.replace("\\", "").replace('"', "")
    family = f'"{name}", "DocSerif"'
    return f"body {{ font-family: {family}; }} @page {{ @top-center {{ font-family: {family}; }} }}"


def _pdf_style() -> _PdfStyle:
    from django.conf import settings
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    path = finders.find(STATIC_PREFIX + "official.css")
    if not path:
        raise ValueError("No such document resource: 'official.css'")
    stat = os.stat(path)
    font = getattr(settings, "DOCUMENT_FONT", "") or ""
    key = (os.getpid(), path, stat.st_mtime_ns, stat.st_size, font)
    style = getattr(_reusable, "style", None)
    if (
        style is None
        or style.font_config is None
        or style.key != key
        or time.monotonic() - style.made_at > STYLE_MAX_AGE
    ):
        font_config = FontConfiguration()
        stylesheet = CSS(url=DOC_ORIGIN + "official.css", url_fetcher=_fetcher(), font_config=font_config)
        font_sheet = CSS(string=font_override_css(font), font_config=font_config) if font else None
        style = _reusable.style = _PdfStyle(key, time.monotonic(), font_config, stylesheet, font_sheet)
        _made.add(style)
    return style


@atexit.register
def _release_pdf_styles() -> None:
    """Let Pango's objects go at exit, while its libraries are still loaded: left in a thread's locals until the
    interpreter's last teardown, the font map's g_object_unref can crash the exiting process."""
    for style in list(_made):
        style.font_config = style.stylesheet = style.font_sheet = None
    gc.collect()


def render_pdf(document: OfficialDocument) -> bytes:
    """A4 PDF in the Decree 30 layout with the bundled serif font, or DOCUMENT_FONT where a deployment names an
    installed one (every glyph embedded): the HTML of
    render_html(for_pdf=True) with official.css given already parsed (see _pdf_style) instead of linked. Given
    so, WeasyPrint cascades it as a user stylesheet rather than an author one: the same result, as the document
    has no other style (no <style>, no style attributes) and WeasyPrint's own has no !important rule."""
    from weasyprint import HTML

    style = _pdf_style()
    html = HTML(string=_html(document, None), base_url=DOC_ORIGIN, url_fetcher=_fetcher())
    sheets = [style.stylesheet] + ([style.font_sheet] if style.font_sheet is not None else [])
    return html.write_pdf(font_config=style.font_config, stylesheets=sheets)


def render_docx(document: OfficialDocument) -> bytes:
    from .docx import build_docx

    buffer = io.BytesIO()
    build_docx(document).save(buffer)
    return buffer.getvalue()
