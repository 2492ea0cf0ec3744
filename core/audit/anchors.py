"""Chain heads kept outside the audit table, read back to verify against.

A backup manifest lists every school's head at the time of the backup
(`audit_chain`: a list of `ChainHead.as_json()`); a plain JSON list of heads is read
the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.audit.chain import heads_from_json
from core.audit.verify import Anchor


def anchors_in(data: Any, source: str) -> list[Anchor]:
    heads = data["audit_chain"] if isinstance(data, dict) else data
    return [Anchor(source, head) for head in heads_from_json(heads)]


def anchors_in_file(path: Path) -> list[Anchor]:
    return anchors_in(json.loads(path.read_text(encoding="utf-8")), path.name)
