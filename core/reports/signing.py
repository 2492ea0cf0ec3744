"""Signing the archive's PDFs with the school's certificate (PAdES), and checking them.

Optional: a school with a certificate (a PKCS#12 file and its password, configured in
the settings and loaded by the entry point: core never reads the environment) gets
every archived PDF signed, PAdES baseline B (ETSI EN 319 142) with pyHanko. The
signature covers the whole file as it was made; a changed byte breaks it, and so does
anything appended that is not a later signature.

pyHanko's synchronous calls run their own event loop: call `sign` and
`check_signature` from a worker thread (`asyncio.to_thread`), never from a coroutine.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Types only: asn1crypto (1.5 MB resident) loads with pyHanko, when a certificate
    # is configured or a signature checked, not in every process that imports this.
    from asn1crypto import x509  # type: ignore[import-untyped]
    from pyhanko.sign import signers

from core.settings import Settings, SettingsError

FIELD = "ZvonokArchive"


def _import_pyhanko() -> None:
    """pyHanko is imported on first use: with what it pulls in (aiohttp, its ASN.1 and
    certificate validation) it costs half a second at every start of a process that
    may never sign. It imports cryptography's DSA types, which cryptography marks
    deprecated: that warning is silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyhanko.sign.validation  # noqa: F401


class SignerError(Exception):
    """The certificate cannot be used: the message says why (for the operator)."""


@dataclass(frozen=True)
class ArchiveSigner:
    """The school's signing key and certificate chain; its CA is the trust root that
    `check_signature` validates against."""

    signer: signers.SimpleSigner
    trust_roots: tuple[x509.Certificate, ...]

    @property
    def subject(self) -> str:
        """Whose certificate: its subject's common name (or the whole subject)."""
        certificate = self.signer.signing_cert
        assert certificate is not None
        return str(certificate.subject.human_friendly)

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        """`pdf` with a PAdES signature appended (an incremental update)."""
        _import_pyhanko()
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name=FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = signers.sign_pdf(writer, meta, signer=self.signer)
        return bytes(out.getvalue())


def load_signer(path: Path, password: str | None) -> ArchiveSigner:
    """The signer of a PKCS#12 file (.p12/.pfx): key, certificate, chain."""
    if not path.is_file():
        raise SignerError(f"the archive's certificate {path} was not found")
    secret = password.encode() if password is not None else None
    _import_pyhanko()
    from pyhanko.sign import signers

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=secret)  # type: ignore[no-untyped-call]
    except (ValueError, OSError) as error:
        raise SignerError(f"{path} cannot be read as PKCS#12: {error}") from error
    if signer is None or signer.signing_cert is None:
        raise SignerError(f"{path} holds no key and certificate, or the password is wrong")
    chain = list(signer.cert_registry)
    roots = tuple(c for c in chain if c.self_signed) or (signer.signing_cert,)
    return ArchiveSigner(signer, roots)


def signer_of(settings: Settings) -> ArchiveSigner | None:
    """The school certificate the settings name (ZVONOK_ARCHIVE_SIGNING_P12 and its
    password), loaded by an entry point at start-up; None when none is configured."""
    path, password = settings.archive_signing_p12, settings.archive_signing_password
    if path is None:
        return None
    try:
        return load_signer(path, password.get_secret_value() if password else None)
    except SignerError as error:
        raise SettingsError(f"ZVONOK_ARCHIVE_SIGNING_P12: {error}") from error


@dataclass(frozen=True)
class SignatureCheck:
    """What a signature's validation found: `ok` when intact, valid and, given trust
    roots, trusted."""

    intact: bool  # the signed bytes hash to what was signed
    valid: bool  # the signature over that hash verifies with the certificate's key
    trusted: bool | None  # the certificate chains to a trust root; None: none given
    covers_file: bool  # nothing but later signatures was appended after it
    signer: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.covers_file and self.trusted is not False


def check_signature(
    pdf: bytes, trust_roots: tuple[x509.Certificate, ...] = ()
) -> SignatureCheck | None:
    """Validate the PDF's archive signature; None when it has none. A file too damaged
    to be read as a PDF counts as a broken signature."""
    _import_pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        found = [s for s in reader.embedded_signatures if s.field_name == FIELD]
        if not found:
            return None
        context = ValidationContext(
            trust_roots=list(trust_roots) or None, allow_fetching=False, revocation_mode="soft-fail"
        )
        status = validate_pdf_signature(found[0], context)
    except Exception:
        return SignatureCheck(False, False, None, False, "")
    coverage = status.coverage is not None and status.coverage.name in (
        "ENTIRE_FILE",
        "ENTIRE_REVISION",
    )
    return SignatureCheck(
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted) if trust_roots else None,
        covers_file=coverage
        and status.modification_level is not None
        and status.modification_level.name in ("NONE", "LTA_UPDATES"),
        signer=str(status.signing_cert.subject.human_friendly),
    )
