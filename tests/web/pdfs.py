"""Reading the PDFs the web app hands out, as a person does: text, pages, QR codes.

Each test that makes a PDF also renders a page to a PNG under tests/artifacts/
(git-ignored), for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# A word broken at a line's end: Typst's hyphen, which pdfium reads back as U+0002
# where the word was broken.
HYPHENATED = re.compile("\x02\\s*")


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, white space made single spaces, hyphenated words joined."""
    document = pdfium.PdfDocument(pdf)
    try:
        texts = [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()
    return [" ".join(HYPHENATED.sub("", text).split()) for text in texts]


def page_size(pdf: bytes, index: int = 0) -> tuple[int, int]:
    """A page's width and height in points (A4: 595 × 842)."""
    document = pdfium.PdfDocument(pdf)
    try:
        width, height = document[index].get_size()
    finally:
        document.close()
    return round(width), round(height)


def save_png(pdf: bytes, name: str, index: int = 0) -> Path:
    """Render one page at 144 dpi to tests/artifacts/<name>."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    document = pdfium.PdfDocument(pdf)
    try:
        document[index].render(scale=2).to_pil().save(path)
    finally:
        document.close()
    print(f"\npage {index + 1} rendered to {path}")
    return path


def qr_codes(pdf: bytes, index: int = 0) -> list[str]:
    """The texts of the QR codes a phone's camera would read on a page, top to bottom."""
    document = pdfium.PdfDocument(pdf)
    try:
        image = document[index].render(scale=3).to_pil()
    finally:
        document.close()
    found = zxingcpp.read_barcodes(image)
    ordered = sorted(
        found, key=lambda r: (round(r.position.top_left.y / 50), r.position.top_left.x)
    )
    return [result.text for result in ordered]
