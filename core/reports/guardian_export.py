"""The export of a guardian's data as a PDF, laid out from `core.reading.guardian_data`.

Printed for the parent who asked; its headings are in the staff member's language
(ru, en), the data as stored. JSON is the same data, serialised.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from core.actors import StaffActor
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, install_jinja
from core.reading.guardian_data import guardian_data
from core.reports.pdf import weasyprint_html
from core.uow import UnitOfWork


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


@functools.cache
def _environment(language: str) -> Environment:
    env = Environment(
        loader=PackageLoader("core.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["compact"] = lambda value: json.dumps(value, ensure_ascii=False)
    return install_jinja(env, "core", language)


def render_export(data: dict[str, Any], language: str) -> bytes:
    """The PDF (CPU-bound: callers on an event loop run it in a thread)."""
    lang = language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    html = _environment(lang).get_template("guardian_export.html").render(d=data)
    pdf: bytes = weasyprint_html()(string=html).write_pdf()
    return pdf


async def guardian_export_pdf(
    uow: UnitOfWork, *, actor: StaffActor, guardian_id: int, language: str
) -> bytes:
    """The guardian's data as a PDF (administrator, secretary)."""
    data = await guardian_data(uow, actor=actor, guardian_id=guardian_id)
    return await asyncio.to_thread(render_export, data, language)
