"""Render an OfficialDocument: HTML (preview and PDF source), PDF with WeasyPrint, DOCX with python-docx."""

import io
import mimetypes
from functools import cache

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
    return render_to_string("documents/official.html", {"doc": document, "stylesheet": stylesheet, "for_pdf": for_pdf})


def weasyprint_alone(html: str) -> bytes:
    """WeasyPrint on ready HTML, nothing of ours around it: the baseline the benchmarks compare to."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return HTML(string=html, base_url=DOC_ORIGIN, url_fetcher=_fetcher()).write_pdf(font_config=font_config)


def render_pdf(document: OfficialDocument) -> bytes:
    """A4 PDF in the Decree 30 layout with the bundled serif font (every glyph embedded)."""
    return weasyprint_alone(render_html(document, for_pdf=True))


def render_docx(document: OfficialDocument) -> bytes:
    from .docx import build_docx

    buffer = io.BytesIO()
    build_docx(document).save(buffer)
    return buffer.getvalue()
