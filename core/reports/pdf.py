"""Writing a PDF: every printout (the weekly summary, the invite sheet, the statement,
the journal book, the control report, the guardian's data export) is set by Typst
(the `typst` package: the compiler in-process), ten to twenty times faster than the
WeasyPrint it replaced (bench/README.md, "bench.web_summary"). A Typst template gets
its data as JSON in `sys.inputs` and reads it as data, so what teachers and parents
typed is never evaluated as markup.

An archived document (the statement, the journal book) is PDF/A-3b (ISO 19005-3,
level B; Typst's `pdf_standards`): fonts embedded, colours described, nothing fetched
from outside, so it shows the same for as long as it is kept (seed 002 §3.4:
statements 25 years).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import typst

TEMPLATES = Path(__file__).parent / "templates"
# The faces the printouts are set in, first found first. DejaVu Sans ships with most
# Linux systems; all of them have Cyrillic.
FONT_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Noto Sans", "PT Sans")
# Typst's own fonts, when the system has none of those: a serif with Cyrillic.
FALLBACK_FAMILY = "Libertinus Serif"
# Compiles after which typst-py's cache drops what they did not use (_forget_layouts).
EVICTION_AGE = 10


@functools.cache
def typst_fonts() -> typst.Fonts:
    """The system's fonts and Typst's own, found once a process (a few milliseconds)
    and shared by every compile."""
    return typst.Fonts(include_system_fonts=True, include_embedded_fonts=True)


@functools.cache
def font_families() -> list[str]:
    """The families of FONT_FAMILIES this machine has, then Typst's fallback: naming a
    missing family would make every compile warn."""
    present = {family.lower() for family in typst_fonts().families()}
    return [family for family in FONT_FAMILIES if family.lower() in present] + [FALLBACK_FAMILY]


def typeset_pdf(
    template: str, data: dict[str, Any], *, archival: bool = False, created: dt.datetime
) -> bytes:
    """Compile the Typst template `template` (in core/reports/templates) with `data`
    (JSON-able; the template reads `sys.inputs.data`) into a PDF, PDF/A-3b when
    `archival`. `created` is the document's creation date. CPU-bound: callers on an
    event loop run it in a thread."""
    compiler = typst.Compiler(root=TEMPLATES, font_paths=typst_fonts())
    payload = {"fonts": font_families(), **data}
    pdf = compiler.compile(
        input=TEMPLATES / template,
        format="pdf",
        sys_inputs={"data": json.dumps(payload, ensure_ascii=False)},
        pdf_standards="a-3b" if archival else [],
        timestamp=int(created.timestamp()),
        # Untagged: the structure tree would make the file six times the size (a class
        # of 20: 600 KB instead of 100 KB).
        pdf_tags=False,
    )
    _forget_layouts(compiler)
    assert isinstance(pdf, bytes)
    return pdf


def _forget_layouts(compiler: typst.Compiler) -> None:
    """Let Typst's cache drop this document's layouts. The cache is the process's;
    typst-py evicts what went unused for ten compiles (comemo::evict(10)) and offers
    no other way, and a class's layouts are 100 to 200 MB: a process that printed a
    class would keep them until it printed ten more, a school's print would peak at
    ten classes' worth. Ten compiles of an empty document take about 30 ms."""
    for _ in range(EVICTION_AGE):
        compiler.compile(input=b"", format="pdf", sys_inputs=None, pdf_tags=False)
