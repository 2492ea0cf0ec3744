"""Writing a printable HTML document as a PDF with WeasyPrint.

An archived document is PDF/A-3b (ISO 19005-3, level B): fonts embedded, colours
described, nothing fetched from outside, so it shows the same for as long as it is
kept (seed 002 §3.4: statements 25 years). WeasyPrint embeds the fonts it uses.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

ARCHIVAL_VARIANT = "pdf/a-3b"


@functools.cache
def weasyprint_html() -> Any:
    """WeasyPrint's `HTML`, imported on first use: WeasyPrint loads Pango through cffi
    and fontTools, about a second at every start of a process (a worker, the CLI) that
    may print nothing. Its fontTools subsetting warns of a deprecated HarfBuzz call on
    import; that warning is silenced."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import HTML  # type: ignore[import-untyped]
    return HTML


def write_pdf(html: str, *, archival: bool = True) -> bytes:
    """The document's PDF; PDF/A-3b when `archival`."""
    options = {"pdf_variant": ARCHIVAL_VARIANT} if archival else {}
    pdf: bytes = weasyprint_html()(string=html).write_pdf(**options)
    return pdf
