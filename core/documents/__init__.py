"""Official documents (Decree 30/2020): one structure, rendered to an HTML preview, a PDF and a DOCX.

Every document of the product (plans, reports, minutes, submissions) is an `OfficialDocument`. The HTML
preview and the PDF come from the same template; the DOCX is built from the same structure.
"""

from .model import Block, Header, OfficialDocument, Recipient, Signature, vietnamese_date
from .render import render_docx, render_html, render_pdf, weasyprint_alone

__all__ = [
    "Block",
    "Header",
    "OfficialDocument",
    "Recipient",
    "Signature",
    "render_docx",
    "render_html",
    "render_pdf",
    "vietnamese_date",
    "weasyprint_alone",
]
