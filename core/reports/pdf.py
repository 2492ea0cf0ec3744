"""Writing a printable HTML document as a PDF with WeasyPrint.

An archived document is PDF/A-3b (ISO 19005-3, level B): fonts embedded, colours
described, nothing fetched from outside, so it shows the same for as long as it is
kept (seed 002 §3.4: statements 25 years). WeasyPrint embeds the fonts it uses.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # See core/reports/weekly.py: WeasyPrint's fontTools subsetting warning.
    warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
    from weasyprint import HTML  # type: ignore[import-untyped]

ARCHIVAL_VARIANT = "pdf/a-3b"


def write_pdf(html: str, *, archival: bool = True) -> bytes:
    """The document's PDF; PDF/A-3b when `archival`."""
    options = {"pdf_variant": ARCHIVAL_VARIANT} if archival else {}
    pdf: bytes = HTML(string=html).write_pdf(**options)
    return pdf
