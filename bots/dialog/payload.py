"""Button payloads as typed records: «prefix:field:field», packed and parsed here.

    class DiaryWeek(Payload, prefix="diary"):
        student_id: int
        monday: str

    DiaryWeek(student_id=5, monday="2026-09-07").pack()  # "diary:5:2026-09-07"

Fields are flat and «:»-separated, so no field's text may hold a «:». A payload that
does not parse (an old button, a forged press) is simply not this kind.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError

SEPARATOR = ":"


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True)

    prefix: ClassVar[str]

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix:
            if SEPARATOR in prefix:
                raise ValueError(f"a payload prefix has no {SEPARATOR!r}: {prefix!r}")
            cls.prefix = prefix

    def pack(self) -> str:
        parts = [self.prefix]
        for name in type(self).model_fields:
            value = getattr(self, name)
            text = ("1" if value else "0") if isinstance(value, bool) else str(value)
            if SEPARATOR in text:
                raise ValueError(f"{name} of a payload holds a {SEPARATOR!r}: {text!r}")
            parts.append(text)
        return SEPARATOR.join(parts)

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        """The payload in `data`, or None when it is not of this kind."""
        prefix, *values = data.split(SEPARATOR)
        names = list(cls.model_fields)
        if prefix != cls.prefix or len(values) > len(names):
            return None
        try:
            return cls.model_validate(dict(zip(names, values, strict=False)))
        except ValidationError:
            return None
