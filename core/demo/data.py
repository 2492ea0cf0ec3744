"""The demo's word lists, read from the plain-text files in `core/demo/data/`.

Files are UTF-8, one entry a line, `#` starts a comment line, and `## title`
starts a section. They ship with the package (pyproject's package-data).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class FirstName:
    name: str
    who: str  # "*", "child" or "adult"
    patronymics: tuple[str, str] | None  # (masculine, feminine) when irregular


@dataclass(frozen=True)
class TopicList:
    subject: str
    grades: range
    topics: tuple[str, ...]


def _lines(filename: str) -> list[str]:
    text = (
        resources.files("core.demo").joinpath("data").joinpath(filename).read_text(encoding="utf-8")
    )
    stripped = (line.strip() for line in text.splitlines())
    return [line for line in stripped if line and not line.startswith("# ")]


def _sections(filename: str) -> dict[str, tuple[str, ...]]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in _lines(filename):
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return {title: tuple(lines) for title, lines in sections.items()}


@cache
def surnames() -> tuple[str, ...]:
    return tuple(_lines("surnames.txt"))


@cache
def first_names(female: bool) -> tuple[FirstName, ...]:
    names = []
    for line in _lines("female_names.txt" if female else "male_names.txt"):
        parts = line.split()
        override = (parts[2], parts[3]) if len(parts) >= 4 else None
        names.append(FirstName(parts[0], parts[1] if len(parts) > 1 else "*", override))
    return tuple(names)


@cache
def topic_lists() -> tuple[TopicList, ...]:
    found = []
    for title, topics in _sections("topics.txt").items():
        subject, _, grades = (part.strip() for part in title.partition("|"))
        low, _, high = grades.partition("-")
        found.append(TopicList(subject, range(int(low), int(high or low) + 1), topics))
    return tuple(found)


def topics_for(subject: str, grade: int) -> tuple[str, ...]:
    """The topic list of `subject` for `grade`; KeyError when the data has none."""
    for entry in topic_lists():
        if entry.subject == subject and grade in entry.grades:
            return entry.topics
    raise KeyError(f"no topics for {subject!r} in grade {grade}")


@cache
def homework_patterns() -> dict[str, tuple[str, ...]]:
    return _sections("homework.txt")


@cache
def remark_texts() -> dict[str, tuple[str, ...]]:
    return _sections("remarks.txt")
