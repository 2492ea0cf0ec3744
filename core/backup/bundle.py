"""A backup file: the snapshot's directory as tar.gz, encrypted with age.

`zvonok-20261206T023000Z.tar.gz.age` holds `manifest.json`, `database/…` and
`documents/<table>/<id>-<name>`. By hand: `age -d -i key.txt FILE | tar -xz`.
"""

from __future__ import annotations

import datetime as dt
import re
import tarfile
from pathlib import Path

from core.backup.keys import KeyRefused, decrypt_file, encrypt_file
from core.backup.manifest import NAME, Manifest, Part, file_sha256, read_manifest
from core.errors import BackupError

SUFFIX = ".tar.gz.age"
_NAME = re.compile(r"zvonok-(\d{8}T\d{6}Z)\.tar\.gz\.age")


def backup_name(created: dt.datetime) -> str:
    return f"zvonok-{created.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


def created_of(name: str) -> dt.datetime | None:
    """When the backup named `name` was made; None for any other file."""
    found = _NAME.fullmatch(name)
    if found is None:
        return None
    return dt.datetime.strptime(found.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def pack(root: Path, manifest: Manifest, target: Path, identity: str) -> Manifest:
    """Hash every part under `root` into the manifest, write it, tar, gzip, encrypt."""
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    parts = [Part.of(root, name) for name in names if name != NAME]
    complete = Manifest(
        manifest.created,
        manifest.engine,
        manifest.revision,
        manifest.tables,
        manifest.audit_heads,
        manifest.documents,
        parts=parts,
        pg_dump=manifest.pg_dump,
    )
    complete.write(root)
    plain = target.with_name(target.name.removesuffix(".age"))
    with tarfile.open(plain, "w:gz", compresslevel=6) as tar:
        tar.add(root / NAME, arcname=NAME)
        for part in parts:
            tar.add(root / part.name, arcname=part.name)
    try:
        encrypt_file(plain, target, identity)
    finally:
        plain.unlink(missing_ok=True)
    return complete


def unpack(source: Path, root: Path, identity: str) -> Manifest:
    """Decrypt and unpack `source` into `root`; refuse it when the key does not open it
    or any part differs from the manifest."""
    plain = root / "backup.tar.gz"
    try:
        decrypt_file(source, plain, identity)
    except KeyRefused as error:
        raise BackupError("backup_unreadable", name=source.name) from error
    content = root / "content"
    try:
        with tarfile.open(plain, "r:gz") as tar:
            tar.extractall(content, filter="data")
        manifest = read_manifest(content)
    except (tarfile.TarError, OSError, ValueError, KeyError) as error:
        raise BackupError("backup_part_changed", name=source.name, part=NAME) from error
    finally:
        plain.unlink(missing_ok=True)
    for part in manifest.parts:
        path = content / part.name
        if not path.is_file() or file_sha256(path) != part.sha256:
            raise BackupError("backup_part_changed", name=source.name, part=part.name)
    return manifest


def content_root(root: Path) -> Path:
    """Where `unpack` put the backup's files."""
    return root / "content"
