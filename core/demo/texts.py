"""What teachers write: lesson topics, homework, remarks, announcements."""

from __future__ import annotations

import datetime as dt
import random

from core.demo.data import homework_patterns, remark_texts

MONTHS = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
MONTHS_PREPOSITIONAL = (
    "январе", "феврале", "марте", "апреле", "мае", "июне",
    "июле", "августе", "сентябре", "октябре", "ноябре", "декабре",
)  # fmt: skip

# How a topic's later lessons read, by homework kind (or specialty when none).
_REPEATS = {
    "math": ("{t}. Решение задач", "{t}. Закрепление", "Самостоятельная работа по теме {q}"),
    "math_primary": ("{t}. Закрепление", "{t}. Решение задач", "{t}. Самостоятельная работа"),
    "science": ("{t}. Решение задач", "{t}. Лабораторная работа", "{t}. Закрепление"),
    "informatics": ("{t}. Практическая работа", "{t}. Практикум"),
    "russian": ("{t}. Закрепление", "{t}. Упражнения", "{t}. Работа с текстом"),
    "russian_primary": ("{t}. Закрепление", "{t}. Упражнения", "{t}. Списывание"),
    "literature": ("{t}. Анализ эпизода", "{t}. Обсуждение", "{t}. Образы героев"),
    "reading_primary": ("{t}. Выразительное чтение", "{t}. Обсуждение", "{t}. Пересказ"),
    "english": ("{t}. Vocabulary", "{t}. Grammar practice", "{t}. Reading", "{t}. Listening"),
    "theory": ("{t}. Работа с источниками", "{t}. Практическое занятие"),
    "geography": ("{t}. Практическая работа", "{t}. Работа с картой"),
    "world_primary": ("{t}. Практическая работа", "{t}. Экскурсия"),
    "pe": ("{t}. Совершенствование техники", "{t}. Учебные нормативы"),
}
_CLOSING = {
    "english": "Revision: {t}",
    "literature": "Итоговый урок: {t}",
    "reading_primary": "Обобщение: {t}",
    "pe": "{t}. Зачёт",
    "music": "{t}",
    "art": "{t}. Творческая работа",
    "primary": "{t}",
    "obzr": "{t}",
}
_CONTROL_TITLES = {
    "dictation": "Контрольный диктант по теме {q}",
    "essay": "Сочинение: {t}",
    "test": "Контрольная работа по теме {q}",
}
_AFTER_CONTROL = {
    "dictation": "Работа над ошибками",
    "essay": "Анализ сочинений",
    "test": "Анализ контрольной работы",
}
# How far a year's textbook goes: exercises in Russian, problems in mathematics.
_EXERCISES = {"russian": 620, "math": 1500}


def ru_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def topic_text(
    style: str,
    grade: int,
    topic: str,
    *,
    repeat: int,
    closing: bool,
    control: str | None = None,
    after: str | None = None,
) -> str:
    """A lesson's topic line: the plan's topic, then practice, a closing lesson or a test.

    `style` is the subject's homework kind, or its specialty when it has none;
    `repeat` counts the lessons already given on the topic; `after` is the type
    of the control work written at the previous lesson, if any.
    """
    quoted = topic if topic.startswith("«") else f"«{topic}»"
    if control is not None:
        template = _CONTROL_TITLES.get(control, _CONTROL_TITLES["test"])
        if grade <= 4 and control == "test":
            template = "Проверочная работа по теме {q}"
        return template.format(t=topic, q=quoted)
    if after is not None:
        return _AFTER_CONTROL.get(after, _AFTER_CONTROL["test"])
    if repeat == 0:
        return topic
    if closing:
        return _CLOSING.get(style, "Обобщение по теме {q}").format(t=topic, q=quoted)
    variants = _REPEATS.get(style, ("{t}",))
    return variants[(repeat - 1) % len(variants)].format(t=topic, q=quoted)


def homework_text(rng: random.Random, kind: str, progress: float) -> str:
    """«§12, упр. 245, 247»; `progress` (0..1) is how far into the textbook the class is."""
    pattern = rng.choice(homework_patterns()[kind])
    total = _EXERCISES.get(kind, 400)
    ex = 1 + int(progress * total) + rng.randrange(4)
    page = 4 + int(progress * 230) + rng.randrange(3)
    n = rng.randrange(1, 9)
    return pattern.format(
        p=1 + int(progress * 38),
        ex=ex,
        ex2=ex + rng.randrange(1, 4),
        ex3=ex + rng.randrange(4, 7),
        page=page,
        page2=page + rng.randrange(2, 7),
        n=n,
        n2=n + rng.randrange(1, 4),
        q=rng.randrange(3, 7),
    )


def remark_text(rng: random.Random, kind: str) -> str:
    return rng.choice(remark_texts()[kind])


def monthly_message(
    rng: random.Random, class_name: str, month: int, average: float | None, missed: int
) -> tuple[str, str]:
    """The class teacher's monthly letter to parents (seed 002: at least once a month)."""
    title = f"Итоги месяца: {MONTHS[month - 1]}"
    lines = [f"Уважаемые родители учеников {class_name} класса!"]
    summary = (
        f"Подводим итоги месяца. В {MONTHS_PREPOSITIONAL[month - 1]} пропущено уроков: {missed}"
    )
    if average is not None:
        summary += f", средний балл класса — {average:.2f}".replace(".", ",")
    lines.append(summary + ".")
    lines.append(
        rng.choice(
            (
                "Просим проверять дневник в Звонке и напоминать детям о домашних заданиях.",
                "Спасибо ребятам за активное участие в жизни класса!",
                "Обратите внимание на пропуски: о болезни ребёнка сообщайте в день отсутствия.",
                "Напоминаем о сменной обуви и школьной форме.",
                "Приглашаю на индивидуальные консультации по четвергам после 15:00.",
            )
        )
    )
    return title, "\n".join(lines)


def holiday_notice(name: str, first: dt.date, last: dt.date, back: dt.date | None) -> str:
    text = f"{name} продлятся с {ru_date(first)} по {ru_date(last)}."
    if back is not None:
        text += f" Занятия начнутся {ru_date(back)}."
    return text + " Желаем ребятам хорошего отдыха!"


def meeting_notice(class_name: str, day: dt.date, room: str) -> str:
    place = f"в кабинете {room}" if room.isdigit() else "в актовом зале"
    return (
        f"Уважаемые родители! {day.day} {MONTHS_GENITIVE[day.month - 1]} в 18:30 "
        f"{place} состоится родительское собрание {class_name} класса. "
        "Повестка: итоги начала учебного года, план работы на четверть, "
        "выборы родительского комитета."
    )


WELCOME = (
    "Дорогие ребята и уважаемые родители! Поздравляем с началом учебного года. "
    "Расписание уроков, домашние задания и отметки теперь приходят в Звонок."
)
