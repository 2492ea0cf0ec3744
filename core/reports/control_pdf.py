"""The control report as a PDF: A4 landscape pages set by Typst
(templates/control_report.typ).

Every text is made here, in the reader's language, with the words the XLSX uses
(`core.reports.control_report.Words`), and passed to the template as JSON: names of
teachers, pupils, classes and subjects are data to it, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from core.i18n import DEFAULT_LANGUAGE
from core.reading.control_report import ControlReport
from core.reports.control_report import Words, words_for
from core.reports.pdf import typeset_pdf

Data = dict[str, Any]
KINDS = ("topic", "attendance", "homework", "marks")
# The figures' columns, in mm: lessons; late and missing of each kind; pupils below the
# minimum, period marks missing, held / timetabled; days not held, substituted. 181 mm,
# so a table with its leading columns fits 277 mm of landscape A4.
FIGURE_MM = (14, *(11,) * 8, 17, 17, 17, 14, 14)


def _n(value: Any, *, bad: bool = False) -> Data:
    return {"text": str(value), "n": True, "bad": bad}


def _t(value: Any) -> Data:
    return {"text": str(value)}


def _list_table(heads: list[str], columns: list[Any], rows: list[list[Data]]) -> Data:
    return {
        "list": True,
        "columns": columns,
        "head": [[{"text": head} for head in heads]],
        "rows": [{"cells": cells} for cells in rows],
    }


def _figure_cells(f: Data) -> list[Data]:
    cells = [_n(f["lessons"])]
    for kind in KINDS:
        missing = f["missing"][kind]
        cells += [_n(f["late"][kind]), _n(missing, bad=bool(missing))]
    return [
        *cells,
        _n(f["fill"]),
        _n(f["period_missing"], bad=bool(f["period_missing"])),
        _n(f"{f['held']} / {f['timetabled']}"),
        _n(f["not_held"]),
        _n(f["substituted"]),
    ]


def _figure_table(w: Words, leading: list[tuple[str, int]], rows: list[Data]) -> Data:
    """A table of figures under a two-line head: each kind's late and missing."""
    t = w.t
    spanned = [t._("Lessons")]
    after = [
        t._("Pupils below the minimum"),
        t._("Period marks missing"),
        t._("Held / timetabled"),
        t._("Days not held"),
        t._("Substituted"),
    ]
    top = [{"text": head, "rowspan": 2} for head in [*(h for h, _ in leading), *spanned]]
    top += [{"text": w.kind(kind), "colspan": 2} for kind in KINDS]
    top += [{"text": head, "rowspan": 2} for head in after]
    late, missing = t.pgettext("control", "late"), t.pgettext("control", "missing")
    second = [{"text": word} for _ in KINDS for word in (late, missing)]
    return {
        "list": False,
        "columns": [mm for _, mm in leading] + list(FIGURE_MM),
        "head": [top, second],
        "rows": rows,
    }


def _section(title: str, *, table: Data | None, none: str | None, note: str | None = None) -> Data:
    return {"title": title, "table": table, "none": none, "note": note}


def _figures(w: Words, d: Data) -> list[Data]:
    t, none = w.t, w.t._("None.")
    school = _figure_table(w, [], [{"cells": _figure_cells(d["totals"]), "total": True}])
    teachers = _figure_table(
        w,
        [(t._("Teacher"), 36)],
        [{"cells": [_t(line["teacher"]), *_figure_cells(line)]} for line in d["teachers"]],
    )
    places = _figure_table(
        w,
        [(t._("Class"), 22), (t._("Subject"), 32), (t._("Teacher"), 30)],
        [
            {
                "cells": [
                    _t(line["class"]),
                    _t(line["subject"]),
                    _t(", ".join(line["teachers"])),
                    *_figure_cells(line),
                ]
            }
            for line in d["places"]
        ],
    )
    return [
        _section(t._("The school's figures"), table=school, none=None),
        _section(t._("By teacher"), table=teachers if d["teachers"] else None, none=none),
        _section(
            t._("Classes and subjects to look at"),
            table=places if d["places"] else None,
            none=none,
        ),
    ]


def _entries(w: Words, d: Data) -> Data:
    t = w.t

    def lessons(line: Data) -> str:
        return "; ".join(
            f"{w.short(lesson['date'])} ({lesson['slot']}) {lesson['class']} "
            f"{lesson['subject']}: " + ", ".join(w.entry(e) for e in lesson["entries"])
            for lesson in line["lessons"]
        )

    return _list_table(
        [t._("Teacher"), t._("Lessons (date, lesson, class, subject: what is late or missing)")],
        ["auto", "fr"],
        [[_t(line["teacher"]), _t(lessons(line))] for line in d["entries"]],
    )


def _fill(w: Words, d: Data) -> Data:
    t = w.t

    def pupils(line: Data) -> str:
        return ", ".join(
            f"{p['name']} ("
            + t._("%(marks)s of %(minimum)s", marks=p["marks"], minimum=p["minimum"])
            + ")"
            for p in line["pupils"]
        )

    heads = [t._("Period"), t._("Class"), t._("Subject"), t._("Teacher")]
    return _list_table(
        [*heads, t._("Pupils (marks of the minimum so far)")],
        ["auto", "auto", "auto", "auto", "fr"],
        [
            [
                _t(line["period"]),
                _t(line["class"]),
                _t(line["subject"]),
                _t(line["teacher"]),
                _t(pupils(line)),
            ]
            for line in d["fill"]
        ],
    )


def _period_marks(w: Words, d: Data) -> Data:
    t = w.t

    def due(line: Data) -> str:
        day = w.date(line["due"])
        not_yet = t._("not yet due")
        return day if line["overdue"] else f"{day} ({not_yet})"

    def pupils(line: Data) -> str:
        count = t._(
            "%(missing)s of %(expected)s", missing=len(line["pupils"]), expected=line["expected"]
        )
        return f"{count}: {', '.join(line['pupils'])}"

    heads = [t._("Period"), t._("Marks"), t._("Due"), t._("Class"), t._("Subject")]
    return _list_table(
        [*heads, t._("Teacher"), t._("Pupils without the mark")],
        ["auto"] * 6 + ["fr"],
        [
            [
                _t(line["period"]),
                _t(w.kind(line["kind"])),
                _t(due(line)),
                _t(line["class"]),
                _t(line["subject"]),
                _t(line["teacher"]),
                _t(pupils(line)),
            ]
            for line in d["period_marks"]
        ],
    )


def _not_held(w: Words, d: Data) -> Data:
    t = w.t
    heads = [t._("Teacher"), t._("Class"), t._("Subject"), t._("Held / timetabled")]
    return _list_table(
        [*heads, t._("Days not held")],
        ["auto"] * 4 + ["fr"],
        [
            [
                _t(line["teacher"]),
                _t(line["class"]),
                _t(line["subject"]),
                _n(f"{line['held']} / {line['timetabled']}"),
                _t(", ".join(w.short(day) for day in line["days"])),
            ]
            for line in d["not_held"]
        ],
    )


def _substitutions(w: Words, d: Data) -> Data:
    t = w.t
    heads = [t._("Date"), t._("Lesson"), t._("Class"), t._("Subject"), t._("Teacher")]
    return _list_table(
        [*heads, t._("Substitute")],
        ["auto", "auto", "auto", "fr", "fr", "fr"],
        [
            [
                _t(w.date(line["date"])),
                _n(line["slot"]),
                _t(line["class"]),
                _t(line["subject"]),
                _t(line["teacher"]),
                _t(line["substitute"]),
            ]
            for line in d["substitutions"]
        ],
    )


def _overload(w: Words, d: Data) -> tuple[str, Data]:
    """The count of a class's days over the limit, by class; the days."""
    t = w.t
    note = t._("Days of a class over the limit: %(days)s.", days=len(d["overload"]))
    by_class = [(name, len(list(days))) for name, days in _grouped(d["overload"])]
    if by_class:
        note += " " + t._("By class:") + " " + ", ".join(f"{k} — {n}" for k, n in by_class)
    heads = [t._("Day"), t._("Class"), t._("Total, min"), t._("Limit, min"), t._("Pupils over it")]
    table = _list_table(
        [*heads, t._("Homework making up the total (the most loaded pupil's)")],
        ["auto"] * 5 + ["fr"],
        [
            [
                _t(w.date(day["day"])),
                _t(day["class"]),
                _n(day["total"]),
                _n(day["limit"]),
                _n(day["pupils_over"]),
                _t("; ".join(w.assignment(a) for a in day["assignments"])),
            ]
            for day in d["overload"]
        ],
    )
    return note, table


def _grouped(days: list[Data]) -> Any:
    """The days by class, as Jinja's `groupby` grouped them: sorted by the class."""
    ordered = sorted(days, key=lambda day: str(day["class"]))
    return groupby(ordered, key=lambda day: str(day["class"]))


def _tests(w: Words, d: Data) -> tuple[str, Data]:
    t, totals = w.t, d["totals"]
    note = t._(
        "Tests held off the schedule: %(off)s; scheduled tests not held: %(missed)s.",
        off=totals["tests_off_schedule"],
        missed=totals["tests_not_held"],
    )
    by_teacher = [
        f"{line['teacher']} — {line['tests_off_schedule']} / {line['tests_not_held']}"
        for line in d["teachers"]
        if line["tests_off_schedule"] or line["tests_not_held"]
    ]
    if by_teacher:
        note += " " + t._("By teacher (off the schedule / not held):") + " "
        note += "; ".join(by_teacher)
    rows = [
        [
            _t(w.date(line["date"])),
            _t(w.page(line)),
            _t(line["subject"]),
            _t(line["teacher"]),
            _t(w.work(line["kind"])),
            _t(what),
        ]
        for key, what in (
            ("tests_off_schedule", t._("held off the schedule")),
            ("tests_not_held", t._("scheduled, not held")),
        )
        for line in d[key]
    ]
    heads = [t._("Date"), t._("Class"), t._("Subject"), t._("Teacher"), t._("Kind")]
    return note, _list_table([*heads, t._("What")], ["auto"] * 5 + ["fr"], rows)


def _monthly(w: Words, d: Data) -> Data:
    t = w.t
    return _list_table(
        [t._("Class"), t.pgettext("person", "Class teacher"), t._("Months without a message")],
        ["auto", "auto", "fr"],
        [
            [
                _t(line["class"]),
                _t(line["teacher"]),
                _t(", ".join(w.month(m) for m in line["months"])),
            ]
            for line in d["monthly_missing"]
        ],
    )


def _reach(w: Words, d: Data) -> Data:
    t = w.t
    heads = [t._("Class"), t._("Families"), t._("Reachable"), t._("In the bot")]
    heads += [t._("Announcements"), t._("Messages"), t._("Delivered"), t._("Not delivered")]
    return _list_table(
        [*heads, t._("Acknowledged")],
        ["fr"] * 9,
        [
            [
                _t(line["class"]),
                _n(line["families"]),
                _n(f"{line['reachable']} ({w.rate(line['reachable'], line['families'])})"),
                *(
                    _n(line[key])
                    for key in (
                        "subscribed",
                        "announcements",
                        "messages",
                        "delivered",
                        "failed",
                        "acknowledged",
                    )
                ),
            ]
            for line in d["reach"]
        ],
    )


def _lists(w: Words, d: Data) -> list[Data]:
    t, none = w.t, w.t._("None.")
    listed: list[tuple[str, str, Callable[[Words, Data], Data]]] = [
        (t._("Lessons with entries late or missing, by teacher"), "entries", _entries),
        (t._("Pupils below the minimum of marks"), "fill", _fill),
        (t._("Period marks not given"), "period_marks", _period_marks),
        (t._("Timetabled lessons not held"), "not_held", _not_held),
        (t._("Substitutions"), "substitutions", _substitutions),
    ]
    sections = [
        _section(title, table=make(w, d) if d[key] else None, none=none)
        for title, key, make in listed
    ]
    note, table = _overload(w, d)
    overload = table if d["overload"] else None
    sections.append(
        _section(t._("Homework over the daily limit"), table=overload, none=None, note=note)
    )
    note, table = _tests(w, d)
    tests = table if d["tests_off_schedule"] or d["tests_not_held"] else None
    sections.append(_section(t._("Tests and the test schedule"), table=tests, none=None, note=note))
    monthly = _monthly(w, d) if d["monthly_missing"] else None
    sections.append(_section(t._("Monthly messages to parents not sent"), table=monthly, none=none))
    reach = _reach(w, d) if d["reach"] else None
    sections.append(_section(t._("Messages to families, by class"), table=reach, none=none))
    return sections


def control_report_data(report: ControlReport, *, language: str) -> Data:
    """What templates/control_report.typ prints: every text in `language`."""
    w = words_for(language)
    t, d = w.t, report.content.data
    title = t._("Report on the check of the electronic journal")
    sections = [*_figures(w, d), *_lists(w, d)]
    for number, each in enumerate(sections, start=1):
        each["title"] = f"{number}. {each['title']}"
    chain = w.chain(report)
    legend = [
        t._(
            "Late: entered after its deadline; missing: its deadline passed without it. "
            "Deadlines are the school's (its settings), holidays and substitutions respected."
        ),
        {"text": f"{w.generated(report)}.", "hash": w.content_hash(report)},
        *([chain] if chain else []),
        w.hash_note(),
    ]
    return {
        "lang": w.language,
        "title": title,
        "heading": title,
        "who": [
            {"label": t._("School"), "value": d["school"], "bold": False},
            {"label": t._("Span checked"), "value": w.span(d), "bold": True},
            {"label": t._("Journal as of"), "value": w.date(d["as_of"]), "bold": False},
        ],
        "sections": sections,
        "legend": [
            line if isinstance(line, dict) else {"text": line, "hash": None} for line in legend
        ],
        "signatures": [
            {"who": t._("Deputy director"), "name": report.made_by},
            {"who": t._("Head of school"), "name": ""},
            {"who": t.pgettext("signature", "Date"), "name": ""},
        ],
        "footer": " · ".join(
            part for part in (w.generated(report), w.content_hash(report), chain) if part
        ),
        # TRANSLATORS: before the page number in the footer: "p. 2 / 3".
        "page_label": t.pgettext("page footer", "p."),
    }


def control_report_pdf(report: ControlReport, *, language: str = DEFAULT_LANGUAGE) -> bytes:
    """The report on A4 landscape pages. CPU-bound: run it in a thread."""
    data = control_report_data(report, language=language)
    return typeset_pdf("control_report.typ", data, created=report.generated_at)
