"""User-facing texts of the core (errors and labels), Russian by default, English available."""

from __future__ import annotations

DEFAULT_LANGUAGE = "ru"
LANGUAGES = ("ru", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "ru": {
        "not_found": "Не найдено: {what}.",
        "forbidden": "Недостаточно прав: {reason}.",
        "account_locked": "Учётная запись заблокирована. Обратитесь к администратору школы.",
        "bad_mark_value": "Отметка «{value}» недопустима: ставятся отметки от 2 до 5.",
        "bad_period_mark_value": (
            "Итоговая отметка «{value}» недопустима: возможны 2, 3, 4, 5, «осв» или «н/а»."
        ),
        "bad_work_type": "Неизвестный вид работы «{value}».",
        "bad_attendance": "Неизвестная отметка посещаемости «{value}»: возможны «н», «б», «оп».",
        "no_marks_in_grade": "В {grade} классе отметки не выставляются (только посещаемость и записи).",
        "elective_attendance_only": (
            "«{group}» — элективный курс: отмечается только посещаемость, без отметок."
        ),
        "not_your_lesson": ("Вы не ведёте «{subject}» в {klass} и не замещаете этот урок."),
        "not_your_class": "Вы не ведёте «{subject}» в {klass}.",
        "student_not_in_lesson": "{student} не учится в {klass} на {date}.",
        "lesson_on_holiday": "{date} — {holiday}: уроков нет.",
        "lesson_outside_year": "{date} не входит в учебный год {year}.",
        "lesson_slot_taken": "У {klass} уже есть урок «{subject}» {date} на {slot}-м уроке.",
        "lesson_bad_slot": "В расписании звонков нет {slot}-го урока.",
        "already_deleted": "Запись уже удалена.",
        "empty_text": "Текст не может быть пустым.",
        "invite_unknown": "Код приглашения не найден. Проверьте код или попросите новый у классного руководителя.",
        "invite_expired": "Срок действия кода истёк {date}. Попросите новый у классного руководителя.",
        "invite_used": "Этот код уже использован. Попросите новый у классного руководителя.",
        "invite_revoked": "Этот код отозван. Попросите новый у классного руководителя.",
        "invite_malformed": "Это не похоже на код приглашения.",
        "student_already_left": "{student} уже выбыл(а) из школы.",
        "same_class": "{student} уже учится в {klass}.",
        "period_closed": "Период «{period}» не относится к учебному году класса.",
        "consent_missing": "Нет согласия на обработку персональных данных.",
        "bad_value": "Недопустимое значение: {reason}.",
    },
    "en": {
        "not_found": "Not found: {what}.",
        "forbidden": "Not allowed: {reason}.",
        "account_locked": "This account is locked. Please contact the school administrator.",
        "bad_mark_value": "Mark “{value}” is not allowed: marks are 2 to 5.",
        "bad_period_mark_value": (
            "Period mark “{value}” is not allowed: use 2, 3, 4, 5, «осв» or «н/а»."
        ),
        "bad_work_type": "Unknown work type “{value}”.",
        "bad_attendance": "Unknown attendance mark “{value}”: use «н», «б» or «оп».",
        "no_marks_in_grade": "Grade {grade} gets no marks (attendance and notes only).",
        "elective_attendance_only": "“{group}” is an elective: attendance only, no marks.",
        "not_your_lesson": "You do not teach {subject} in {klass} and do not substitute this lesson.",
        "not_your_class": "You do not teach {subject} in {klass}.",
        "student_not_in_lesson": "{student} is not in {klass} on {date}.",
        "lesson_on_holiday": "{date} is {holiday}: no lessons.",
        "lesson_outside_year": "{date} is outside the academic year {year}.",
        "lesson_slot_taken": "{klass} already has {subject} on {date}, lesson {slot}.",
        "lesson_bad_slot": "The bell schedule has no lesson {slot}.",
        "already_deleted": "This entry is already deleted.",
        "empty_text": "The text must not be empty.",
        "invite_unknown": "Invite code not found. Check it or ask the class teacher for a new one.",
        "invite_expired": "This code expired on {date}. Ask the class teacher for a new one.",
        "invite_used": "This code has already been used. Ask the class teacher for a new one.",
        "invite_revoked": "This code was revoked. Ask the class teacher for a new one.",
        "invite_malformed": "This does not look like an invite code.",
        "student_already_left": "{student} has already left the school.",
        "same_class": "{student} is already in {klass}.",
        "period_closed": "Period “{period}” does not belong to the class's academic year.",
        "consent_missing": "No consent to personal-data processing.",
        "bad_value": "Invalid value: {reason}.",
    },
}


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for `key` in `language`, falling back to Russian."""
    table = MESSAGES.get(language, MESSAGES[DEFAULT_LANGUAGE])
    template = table.get(key) or MESSAGES[DEFAULT_LANGUAGE][key]
    return template.format(**params)
