"""The manifest: what a backup holds and how to check it, as `manifest.json` inside it.

```json
{"format": 1, "created": "2026-12-06T02:30:00.000000+00:00", "engine": "sqlite",
 "revision": "0013_backup_runs", "pg_dump": null,
 "parts": [{"name": "database/zvonok.sqlite3", "size": 1234, "sha256": "…"}, …],
 "tables": {"mark": {"rows": 120, "checksum": "…"}, …},
 "audit_heads": [{"school_id": 1, "seq": 42, "hash": "…"}],
 "documents": [{"table": "statement_export", "id": 3, "filename": "…", "part": "…",
                "sha256": "…", "size": 2048}]}
```
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.audit.chain import ChainHead, heads_from_json
from core.backup.contents import Document, TableSum

FORMAT = 1
NAME = "manifest.json"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Part:
    name: str  # its path inside the backup
    size: int
    sha256: str

    @classmethod
    def of(cls, root: Path, name: str) -> Part:
        path = root / name
        return cls(name, path.stat().st_size, file_sha256(path))


@dataclass(frozen=True)
class Manifest:
    created: dt.datetime
    engine: str  # sqlite | postgresql
    revision: str | None
    tables: Mapping[str, TableSum]
    audit_heads: list[ChainHead]
    documents: list[Document]
    parts: list[Part] = field(default_factory=list)
    pg_dump: str | None = None  # the pg_dump version that wrote a PostgreSQL dump

    @property
    def database_part(self) -> str:
        return next(p.name for p in self.parts if p.name.startswith("database/"))

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "created": self.created.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "engine": self.engine,
            "revision": self.revision,
            "pg_dump": self.pg_dump,
            "parts": [{"name": p.name, "size": p.size, "sha256": p.sha256} for p in self.parts],
            "tables": {name: s.as_json() for name, s in sorted(self.tables.items())},
            "audit_heads": [head.as_json() for head in self.audit_heads],
            "documents": [d.as_json() for d in self.documents],
        }

    def write(self, root: Path) -> None:
        text = json.dumps(self.as_json(), indent=1, ensure_ascii=False, sort_keys=True)
        (root / NAME).write_text(text + "\n", encoding="utf-8")


def read_manifest(root: Path) -> Manifest:
    """The manifest of an unpacked backup; ValueError when it is not one we can read."""
    data = json.loads((root / NAME).read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown manifest format {data.get('format')!r}")
    return Manifest(
        created=dt.datetime.fromisoformat(data["created"]),
        engine=str(data["engine"]),
        revision=data["revision"],
        pg_dump=data.get("pg_dump"),
        parts=[Part(p["name"], int(p["size"]), p["sha256"]) for p in data["parts"]],
        tables={n: TableSum(int(s["rows"]), s["checksum"]) for n, s in data["tables"].items()},
        audit_heads=heads_from_json(data["audit_heads"]),
        documents=[
            Document(d["table"], int(d["id"]), d["filename"], d["part"], d["sha256"], d["size"])
            for d in data["documents"]
        ],
    )
