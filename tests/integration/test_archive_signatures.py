"""Signed archive documents (PAdES): a throw-away CA issues the school's certificate; the
archived PDFs validate against that trust root, and a changed byte breaks them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography.hazmat.primitives.serialization import Encoding

from core.db import Database
from core.reports.signing import ArchiveSigner, SignerError, check_signature, load_signer
from core.services.archive import archive_period
from tests.builders import build_world, uow_at
from tests.integration.certificates import PASSWORD, make_ca, make_school_p12
from tests.web.pdfs import pages_text


@pytest.fixture
def signer(tmp_path: Path) -> ArchiveSigner:
    return load_signer(make_school_p12(tmp_path / "school.p12", make_ca()), PASSWORD)


async def test_archived_pdfs_are_signed_and_a_changed_byte_breaks_them(
    sqlite_db: Database, signer: ArchiveSigner
) -> None:
    w = await build_world(sqlite_db)
    kept = await archive_period(
        uow_at(sqlite_db), actor=w.actor("admin"), period_id=w.periods["2 четверть"], signer=signer
    )
    assert kept and all(d.signed for d in kept)
    book = next(d for d in kept if d.kind == "journal_book" and d.class_id == w.classes["7Б"])
    pdf = bytes(book.data)
    check = await asyncio.to_thread(check_signature, pdf, signer.trust_roots)
    assert check is not None and check.ok, check
    assert check.trusted and "Белов" in check.signer
    assert "КЛАССНЫЙ ЖУРНАЛ" in pages_text(pdf)[0]  # still the same document to read

    # One byte of the signed content changed: the hash no longer matches.
    at = pdf.index(b"stream") + 20
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    broken = await asyncio.to_thread(check_signature, tampered, signer.trust_roots)
    assert broken is not None and not broken.ok and not broken.intact

    # Another CA's root does not vouch for the school's certificate.
    _, stranger = make_ca("Stranger CA")
    root = asn1_x509.Certificate.load(stranger.public_bytes(Encoding.DER))
    untrusted = await asyncio.to_thread(check_signature, pdf, (root,))
    assert untrusted is not None and untrusted.intact and untrusted.trusted is False
    assert not untrusted.ok


async def test_an_unsigned_pdf_has_no_signature(sqlite_db: Database) -> None:
    w = await build_world(sqlite_db)
    [doc, *_] = await archive_period(
        uow_at(sqlite_db), actor=w.actor("deputy"), period_id=w.periods["2 четверть"]
    )
    assert not doc.signed
    assert await asyncio.to_thread(check_signature, bytes(doc.data)) is None


def test_a_wrong_password_or_a_missing_file_is_told(tmp_path: Path) -> None:
    path = make_school_p12(tmp_path / "school.p12", make_ca())
    with pytest.raises(SignerError):
        load_signer(tmp_path / "none.p12", PASSWORD)
    with pytest.raises(SignerError):
        load_signer(path, "wrong")
