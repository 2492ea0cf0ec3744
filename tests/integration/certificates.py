"""A throw-away certificate authority and a school's signing certificate, as a PKCS#12
file like the one a school gets from its CA (made with `cryptography`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "correct horse battery staple"


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Школа №1"),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    signer: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    days: int,
) -> x509.Certificate:
    """A certificate for `key`, signed by `signer`: a CA's, or a signer's (non-repudiation)."""
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=not ca, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                crl_sign=ca, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(signer, hashes.SHA256())
    )  # fmt: skip


def make_ca(common: str = "Test CA") -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    return key, _certificate(_name(common), _name(common), key, key, ca=True, days=3650)


def make_school_p12(path: Path, ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate]) -> Path:
    """The school's key and certificate issued by `ca`, with the chain, as PKCS#12."""
    ca_key, ca_cert = ca
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name("Директор Белов И.А.")
    cert = _certificate(subject, ca_cert.subject, key, ca_key, ca=False, days=365)
    data = pkcs12.serialize_key_and_certificates(
        b"school",
        key,
        cert,
        [ca_cert],
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    path.write_bytes(data)
    return path
