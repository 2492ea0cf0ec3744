"""Chain heads kept outside the audit table, read back to verify against.

A backup manifest lists every school's head at the time of the backup
(`audit_chain`: a list of `ChainHead.as_json()`); a plain JSON list of heads is read
the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.audit.chain import ChainHead, heads_from_json
from core.audit.findings import ARCHIVE_SOURCE
from core.audit.verify import Anchor
from core.models import ArchiveDocument


def anchors_in(data: Any, source: str) -> list[Anchor]:
    heads = data["audit_chain"] if isinstance(data, dict) else data
    return [Anchor(source, head) for head in heads_from_json(heads)]


def anchors_in_file(path: Path) -> list[Anchor]:
    return anchors_in(json.loads(path.read_text(encoding="utf-8")), path.name)


async def kept_anchors(session: AsyncSession) -> list[Anchor]:
    """The heads the database's own archived documents recorded when they were made.

    The row could be rewritten together with the chain, but its fingerprint is printed
    inside the document's bytes (hashed and, with a certificate, signed) and on the
    bound paper copy: rewriting the chain after a document was made is caught here,
    and rewriting the row too is caught by `zvonok archive verify` and on paper.
    """
    query = (
        select(ArchiveDocument.school_id, ArchiveDocument.chain_seq, ArchiveDocument.chain_hash)
        .where(col(ArchiveDocument.chain_seq) > 0)
        .distinct()
    )
    rows = (await session.exec(query)).all()
    return [
        Anchor(ARCHIVE_SOURCE, ChainHead(school, seq, digest))
        for school, seq, digest in sorted(rows)
    ]
