"""The export of a guardian's data as a PDF, laid out from `core.reading.guardian_data`
by Typst (templates/guardian_export.typ).

Printed for the parent who asked; its headings are in the staff member's language
(ru, en), the data as stored. JSON is the same data, serialised. The template reads
everything as data: what teachers and parents typed (remarks, consent texts) prints as
typed, never as markup.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

from core.actors import StaffActor
from core.i18n import DEFAULT_LANGUAGE, STAFF_LANGUAGES, Texts, texts
from core.reading.guardian_data import guardian_data
from core.reports.pdf import typeset_pdf
from core.uow import UnitOfWork

Data = dict[str, Any]
NONE = "—"


def export_json(data: Data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _moment(iso: str | None) -> str:
    """A stored time as it is kept, to the second: «2026-11-23 07:00:00+00:00»."""
    if not iso:
        return ""
    return dt.datetime.fromisoformat(iso).isoformat(sep=" ", timespec="seconds")


def _fields(record: Data) -> str:
    """«text: Молодец; subject: Математика; lesson_date: 2026-11-23»: a stored record
    as its fields, a text as typed (not JSON-escaped), anything else as JSON."""
    return "; ".join(
        f"{key}: {value if isinstance(value, str) else _compact(value)}"
        for key, value in record.items()
    )


def _section(
    title: str, *, table: Data | None = None, notes: list[str] | None = None, empty: bool = False
) -> Data:
    return {"title": title, "table": table, "notes": notes or [], "none": NONE if empty else None}


def _table(columns: list[Any], heads: list[str] | None, rows: list[list[Data]]) -> Data:
    head = None if heads is None else [[{"text": h} for h in heads]]
    return {"columns": columns, "head": head, "rows": [{"cells": cells} for cells in rows]}


def _identity(t: Texts, d: Data) -> Data:
    g = d["guardian"]
    name = " ".join(part for part in (g["last_name"], g["first_name"], g["middle_name"]) if part)
    pairs = [
        (t._("Name"), name),
        (t._("Language"), g["language"]),
        (t._("Phone"), d["contacts"]["phone"] or NONE),
        (t._("Email"), d["contacts"]["email"] or NONE),
        (t._("Telegram chat"), d["chats"]["telegram_chat_id"] or NONE),
        (t._("MAX user"), d["chats"]["max_user_id"] or NONE),
    ]
    rows: list[list[Data]] = [
        [{"text": key, "th": True}, {"text": str(value)}] for key, value in pairs
    ]
    return _section(t._("Identity and contacts"), table=_table([40, "fr"], None, rows))


def _children(t: Texts, d: Data) -> Data:
    def classes(child: Data) -> str:
        return ", ".join(
            f"{k['class']} ({k['since']} – {k['until'] or '…'})" for k in child["classes"]
        )

    def who(child: Data) -> str:
        relation = child["relation"]
        return f"{child['name']} · {relation}" if relation else str(child["name"])

    rows: list[list[Data]] = [[{"text": who(c)}, {"text": classes(c)}] for c in d["children"]]
    table = _table(["fr", "fr"], None, rows) if rows else None
    return _section(t._("Children"), table=table, empty=not rows)


def _consents(t: Texts, d: Data) -> Data:
    heads = [t._("Version"), t._("Decision"), t._("At"), t._("Channel"), t._("Language")]
    rows: list[list[Data]] = []
    for r in d["consent"]["records"]:
        rows.append(
            [
                {"text": str(r["version"])},
                {"text": str(r["decision"])},
                {"text": _moment(r["at"])},
                {"text": str(r["channel"])},
                {"text": str(r["language"])},
            ]
        )
        # The text the parent accepted, under its hash: a row of its own, as long as it is.
        lines = [{"text": f"SHA-256: {r['text_sha256']}", "mono": True}, {"text": r["text"]}]
        rows.append([{"lines": lines, "span": 5, "breakable": True}])
    table = _table(["auto", "auto", "fr", "auto", "auto"], heads, rows) if rows else None
    return _section(t._("Consent records"), table=table, empty=not rows)


def _messages(t: Texts, d: Data) -> Data:
    # TRANSLATORS: the head of a column of notifications' topics (marks, homework...).
    heads = [t._("Created"), t.pgettext("notification", "Kind"), t._("Events"), t._("Deliveries")]

    def delivery(x: Data) -> str:
        return f"{x['channel']} {x['address']} · {x['status']} {_moment(x['sent_at'])}".rstrip()

    rows: list[list[Data]] = [
        [
            {"text": _moment(n["created_at"])},
            {"text": f"{n['topic']} · {n['status']}"},
            {
                "lines": [{"text": f"{e['kind']} · {_fields(e['data'])}"} for e in n["events"]],
                "breakable": True,
            },
            {"lines": [{"text": delivery(x)} for x in n["deliveries"]], "breakable": True},
        ]
        for n in d["notifications"]
    ]
    note = t._(
        "Message texts are not stored: each was written when it was sent, from the events below."
    )
    table = _table([28, 28, "fr", 60], heads, rows) if rows else None
    return _section(t._("Messages and deliveries"), table=table, notes=[note], empty=not rows)


def export_data(data: Data, language: str) -> Data:
    """What templates/guardian_export.typ prints: headings in `language`, data as stored."""
    lang = language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE
    t = texts("core", lang)
    g = data["guardian"]
    name = f"{g['last_name']} {g['first_name']}"
    title = t._("Personal data held about %(name)s", name=name)
    made = t._("Made at %(at)s", at=_moment(data["generated_at"]))
    others = t._(
        "Contact checks: %(n)s; dead addresses: %(d)s; invite codes: %(i)s; "
        "acknowledgements: %(a)s.",
        n=len(data["contact_checks"]),
        d=len(data["dead_contacts"]),
        i=len(data["invite_codes"]),
        a=len(data["acknowledgements"]),
    )
    chosen = [_fields(s) for s in data["settings"]["chosen"]]
    return {
        "lang": lang,
        "title": title,
        "heading": title,
        "made": f"{data['school']} · {made}",
        "sections": [
            _identity(t, data),
            _children(t, data),
            _consents(t, data),
            _section(t._("Settings"), notes=chosen, empty=not chosen),
            _messages(t, data),
            _section(t._("Other records"), notes=[others]),
        ],
        "footer": f"{title} · {made}",
        # TRANSLATORS: before the page number in the footer: "p. 2 / 3".
        "page_label": t.pgettext("page footer", "p."),
    }


def render_export(data: Data, language: str) -> bytes:
    """The PDF (CPU-bound: callers on an event loop run it in a thread)."""
    created = dt.datetime.fromisoformat(data["generated_at"])
    return typeset_pdf("guardian_export.typ", export_data(data, language), created=created)


async def guardian_export_pdf(
    uow: UnitOfWork, *, actor: StaffActor, guardian_id: int, language: str
) -> bytes:
    """The guardian's data as a PDF (administrator, secretary)."""
    data = await guardian_data(uow, actor=actor, guardian_id=guardian_id)
    return await asyncio.to_thread(render_export, data, language)
