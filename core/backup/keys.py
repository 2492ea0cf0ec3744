"""The backups' key: an age X25519 identity (`AGE-SECRET-KEY-1…`), the format of the
`age` tool, so an IT person can decrypt a backup by hand: `age -d -i key.txt FILE`.

Encryption is age's (pyrage, its Rust implementation): ChaCha20-Poly1305 in 64 KiB
chunks, each authenticated, so a changed byte anywhere fails decryption.
"""

from __future__ import annotations

from pathlib import Path

import pyrage

# Development and tests only: settings refuse it when ZVONOK_ENV=production.
DEV_BACKUP_KEY = "AGE-SECRET-KEY-1LKLRLUJQU8NGXYRPXXLH6G4U5C0ENAXZNZ9HPX9LNLN4AZDYKQPS2EMJ6F"


class KeyRefused(ValueError):
    """The file does not decrypt with this key: damaged, changed, or another key's."""


def is_identity(text: str) -> bool:
    try:
        pyrage.x25519.Identity.from_str(text.strip())
    except pyrage.IdentityError:
        return False
    return True


def new_identity() -> tuple[str, str]:
    """A fresh key pair: (the secret identity, its public recipient `age1…`)."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def recipient_of(identity: str) -> str:
    return str(pyrage.x25519.Identity.from_str(identity.strip()).to_public())


def encrypt_file(source: Path, target: Path, identity: str) -> None:
    """Encrypt `source` into `target` for the identity's own recipient."""
    recipient = pyrage.x25519.Identity.from_str(identity.strip()).to_public()
    pyrage.encrypt_file(str(source), str(target), [recipient])


def decrypt_file(source: Path, target: Path, identity: str) -> None:
    """Decrypt `source` into `target`; KeyRefused when it is damaged or another key's."""
    key = pyrage.x25519.Identity.from_str(identity.strip())
    try:
        pyrage.decrypt_file(str(source), str(target), [key])
    except (pyrage.DecryptError, OSError) as error:
        # A chunk failing its tag mid-stream comes as OSError("decryption error").
        target.unlink(missing_ok=True)
        raise KeyRefused(str(error)) from error
