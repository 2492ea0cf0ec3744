"""Russian names for demo people: gender-consistent surnames, first names, patronymics.

Иванов Пётр Сергеевич and his sister Иванова Анна Сергеевна share a father's name
(the patronymic) and the surname in its masculine or feminine form.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from core.demo.data import FirstName, first_names, surnames

_TRANSLIT = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
_FEMININE_ENDINGS = (
    ("ский", "ская"),
    ("цкий", "цкая"),
    ("ой", "ая"),
    ("ов", "ова"),
    ("ев", "ева"),
    ("ёв", "ёва"),
    ("ин", "ина"),
    ("ын", "ына"),
)


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    middle_name: str
    female: bool

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name} {self.middle_name}".strip()

    @property
    def short_name(self) -> str:
        """«Иванова М.П.»"""
        return f"{self.last_name} {self.first_name[0]}.{self.middle_name[:1]}.".rstrip(".") + "."


def feminine_surname(surname: str) -> str:
    """Иванов → Иванова, Вишневский → Вишневская; Шевченко and Черных stay as they are."""
    for masculine, feminine in _FEMININE_ENDINGS:
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + feminine
    return surname


def patronymic(father: FirstName, female: bool) -> str:
    """Сергей → Сергеевич/Сергеевна, Юрий → Юрьевич, Игорь → Игоревич, Иван → Иванович."""
    if father.patronymics is not None:
        return father.patronymics[1 if female else 0]
    name = father.name
    if name.endswith("ий"):
        stem = name[:-2] + "ье"
    elif name.endswith(("й", "ь")):
        stem = name[:-1] + "е"
    else:
        stem = name + "о"
    return stem + ("вна" if female else "вич")


def translit(text: str) -> str:
    """Latin letters for logins and e-mail addresses (Щукина → shchukina)."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())


def login_of(person: Person) -> str:
    """«ivanova.mp» for Иванова Мария Петровна."""
    initials = translit(person.first_name[:1]) + translit(person.middle_name[:1])
    return f"{translit(person.last_name)}.{initials}"


class NameMaker:
    """Draws names with realistic frequencies: the lists are ordered, common first."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames = surnames()
        self._surname_weights = _zipf(len(self._surnames), 40)
        self._pools: dict[tuple[bool, str], tuple[list[FirstName], list[float]]] = {}
        for female in (False, True):
            for who in ("child", "adult"):
                pool = [n for n in first_names(female) if n.who in ("*", who)]
                self._pools[female, who] = (pool, _zipf(len(pool), 12))

    def surname(self) -> str:
        """A surname in its masculine form."""
        return self.rng.choices(self._surnames, cum_weights=self._surname_weights)[0]

    def first_name(self, *, female: bool, who: str) -> FirstName:
        pool, weights = self._pools[female, who]
        return self.rng.choices(pool, cum_weights=weights)[0]

    def person(
        self,
        *,
        female: bool,
        who: str,
        surname: str | None = None,
        father: FirstName | None = None,
    ) -> Person:
        """A person; `surname` (masculine form) and `father` make a family resemblance."""
        base = surname if surname is not None else self.surname()
        dad = father if father is not None else self.first_name(female=False, who="adult")
        return Person(
            last_name=feminine_surname(base) if female else base,
            first_name=self.first_name(female=female, who=who).name,
            middle_name=patronymic(dad, female),
            female=female,
        )


def _zipf(count: int, flatten: int) -> list[float]:
    """Cumulative weights 1/(rank + flatten): the first names are the most common."""
    return list(accumulate(1.0 / (rank + flatten) for rank in range(count)))
