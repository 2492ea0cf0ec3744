"""Texts of the journal grid and the lesson page (merged into webapp.texts.TEXTS)."""

from __future__ import annotations

from core.texts import Catalog

JOURNAL = Catalog(
    {
        "nav_journal": ("Журнал", "Journal"),
        "journal_title": ("Журнал", "Journal"),
        "journal_mine": ("Мои классы и предметы", "My classes and subjects"),
        "journal_none": (
            "В этом учебном году у вас нет учебной нагрузки.",
            "You have no teaching assignments this school year.",
        ),
        "journal_classes": ("Журналы классов", "Class journals"),
        "journal_class_pages": ("Журнал {klass}", "Journal of {klass}"),
        "journal_class_none": (
            "В {klass} учителя по предметам не назначены.",
            "No subject teachers are assigned in {klass}.",
        ),
        "journal_read_only_mark": ("просмотр", "read only"),
        "grid_period": ("Период", "Period"),
        "grid_show": ("Показать", "Show"),
        "grid_read_only": (
            "Только просмотр: этот предмет ведёт другой учитель.",
            "Read only: another teacher keeps this subject.",
        ),
        "grid_no_marks": (
            "Отметки здесь не ставятся: только посещаемость.",
            "No marks here: attendance only.",
        ),
        "grid_help": (
            "Цифры 2–5 — отметки (несколько — через пробел); «н», «б», «оп» (или n, b, op) — "
            "посещаемость. Стрелки, Tab и Enter — к другой клетке; Delete — стереть; F2 — "
            "исправить; Esc — отменить. Клетка сохраняется сразу: ✓ — сохранено.",
            "Digits 2–5 are marks (several: separated by spaces); «н», «б», «оп» (or n, b, op) "
            "are attendance. Arrows, Tab and Enter move; Delete erases; F2 edits; Esc cancels. "
            "Each cell saves at once: ✓ means saved.",
        ),
        "grid_number": ("№", "No."),
        "grid_student": ("Ученик", "Student"),
        "grid_average": ("Ср. балл", "Average"),
        "grid_period_mark": ("Итог", "Period mark"),
        "grid_no_lessons": (
            "В этом периоде в журнале ещё нет уроков.",
            "No lessons in the journal for this period yet.",
        ),
        "grid_no_students": ("В списке нет учеников.", "No students on the list."),
        "grid_work_type": ("Вид работы", "Work type"),
        "grid_offline": (
            "Нет связи с сервером: не сохранено. Попробуйте ещё раз.",
            "No connection to the server: not saved. Try again.",
        ),
        "grid_saved": ("сохранено", "saved"),
        "grid_substitute": ("замена: {name}", "substitute: {name}"),
        "lesson_title": ("{subject}, {where}", "{subject}, {where}"),
        "lesson_when": ("{date}, {slot}-й урок", "{date}, lesson {slot}"),
        "lesson_teacher": ("Учитель: {name}", "Teacher: {name}"),
        "lesson_substitution": ("Замена. {name}", "Substitute teacher: {name}"),
        "lesson_read_only": (
            "Только просмотр: этот урок ведёт другой учитель.",
            "Read only: another teacher gives this lesson.",
        ),
        "lesson_to_grid": ("← журнал {subject}, {where}", "← {subject} journal, {where}"),
        "lesson_topic": ("Тема урока", "Topic"),
        "lesson_no_topic": ("Тема не записана.", "No topic yet."),
        "lesson_work_type": (
            "Вид работы (для отметок урока)",
            "Work type (for the lesson's marks)",
        ),
        "lesson_save": ("Сохранить", "Save"),
        "lesson_saved": ("Сохранено.", "Saved."),
        "pupils_title": ("Посещаемость и отметки", "Attendance and marks"),
        "homework_title": ("Домашнее задание", "Homework"),
        "homework_text": ("Задание", "Homework"),
        "homework_due": ("Срок сдачи (необязательно)", "Due date (optional)"),
        "homework_for": (
            "Только для этих учеников (если задание индивидуальное)",
            "Only for these students (individual homework)",
        ),
        "homework_add": ("Задать", "Set homework"),
        "homework_none": ("Домашнее задание не задано.", "No homework set."),
        "homework_for_class": ("всему классу", "whole class"),
        "homework_for_some": ("индивидуально: {names}", "individual: {names}"),
        "homework_due_on": ("сдать {date}", "due {date}"),
        "homework_delete": ("Удалить", "Delete"),
        "remarks_title": (
            "Замечания, благодарности, обращения к родителям",
            "Remarks, praise, notes to parents",
        ),
        "remark_student": ("Ученик", "Student"),
        "remark_kind": ("Вид записи", "Kind"),
        "remark_text": ("Текст", "Text"),
        "remark_send": ("отправить родителям", "send to parents"),
        "remark_add": ("Записать", "Record"),
        "remarks_none": ("Записей нет.", "Nothing recorded."),
        "remark_sent": ("отправлено родителям", "sent to parents"),
        "remark_kept": ("только в журнале", "journal only"),
        "substitute_title": ("Замена", "Substitution"),
        "substitute_none": ("без замены", "no substitute"),
        "substitute_save": ("Назначить", "Assign"),
        "lesson_choose": ("— выберите —", "— choose —"),
    }
)
