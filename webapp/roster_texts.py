"""Texts of the roster pages: classes, students, enrolment, transfer, leaving, and the
import from a file (merged into `webapp.texts.TEXTS`). Core's errors are in core.i18n."""

from __future__ import annotations

from core.texts import Catalog

ROSTER = Catalog(
    {
        "nav_roster": ("Ученики", "Students"),
        "roster_title": ("Ученики и классы", "Students and classes"),
        "roster_year": ("Учебный год {year}", "School year {year}"),
        "roster_no_classes": (
            "В учебном году нет классов: сначала заведите их в настройках школы.",
            "The school year has no classes: set them up in the school settings first.",
        ),
        "roster_import_link": (
            "Загрузить список из файла (CSV, XLSX)",
            "Import a list from a file (CSV, XLSX)",
        ),
        "ro_col_class": ("Класс", "Class"),
        "ro_col_students": ("Учеников", "Students"),
        "ro_col_class_teacher": ("Классный руководитель", "Class teacher"),
        "ro_col_student": ("Ученик", "Student"),
        "ro_col_birth_date": ("Дата рождения", "Birth date"),
        "ro_col_since": ("С", "Since"),
        "ro_col_until": ("По", "Until"),
        "ro_col_guardians": ("Представителей", "Guardians"),
        "ro_col_reason": ("Основание", "Reason"),
        # A class
        "ro_class_title": ("Класс {klass}", "Class {klass}"),
        "ro_class_students_none": ("В классе нет учеников.", "The class has no students."),
        "ro_class_former": ("Выбыли из класса", "Left the class"),
        "ro_class_enrol_title": ("Зачислить ученика", "Enrol a student"),
        "ro_enrolled_ok": ("{student} зачислен(а) в {klass}.", "{student} enrolled in {klass}."),
        "ro_last_name": ("Фамилия", "Last name"),
        "ro_first_name": ("Имя", "First name"),
        "ro_middle_name": ("Отчество", "Middle name"),
        "ro_enrol_on": ("Дата зачисления", "Enrolment date"),
        "ro_enrol_submit": ("Зачислить", "Enrol"),
        "ro_open_student": ("Перевод, выбытие", "Transfer, leaving"),
        # A student
        "ro_student_title": ("{student}", "{student}"),
        "ro_student_born": ("Дата рождения: {date}", "Born: {date}"),
        "ro_student_in_class": ("Учится в {klass} с {since}.", "In {klass} since {since}."),
        "ro_student_left": ("Выбыл(а) из школы {date}.", "Left the school on {date}."),
        "ro_student_no_class": ("Сейчас не числится ни в одном классе.", "Not in any class now."),
        "ro_history_title": ("История: классы", "History: classes"),
        "ro_reason_enrolled": ("зачислен(а)", "enrolled"),
        "ro_reason_transferred": ("переведён(а)", "transferred"),
        "ro_guardians_title": ("Законные представители", "Guardians"),
        "ro_guardians_none": ("Представители не указаны.", "No guardians given."),
        "ro_guardian_consent": ("согласие есть", "consent given"),
        "ro_guardian_no_consent": ("нет согласия", "no consent"),
        "ro_guardian_telegram": ("подключён к боту", "uses the bot"),
        "ro_transfer_title": ("Перевести в другой класс", "Transfer to another class"),
        "ro_transfer_to": ("В класс", "To class"),
        "ro_transfer_on": ("С даты", "From"),
        "ro_transfer_submit": ("Перевести", "Transfer"),
        "ro_transfer_none": (
            "В этом учебном году нет других классов.",
            "No other classes this year.",
        ),
        "ro_transferred_ok": (
            "{student} переведён(а) в {klass}.",
            "{student} transferred to {klass}.",
        ),
        "ro_leave_title": ("Выбытие из школы", "Leaving the school"),
        "ro_leave_on": ("Дата выбытия (первый день без ученика)", "Leaving date (first day away)"),
        "ro_leave_reason": ("Основание", "Reason"),
        "ro_leave_reason_hint": (
            "например, «приказ № 45 от 20.11.2026, переезд»",
            "e.g. “order No. 45, moving away”",
        ),
        "ro_leave_submit": ("Отметить выбытие", "Record leaving"),
        "ro_left_ok": ("Выбытие {student} записано.", "{student}'s leaving is recorded."),
        "ro_history_kept": (
            "История не переписывается: прежние классы и отметки в них сохраняются.",
            "History is never rewritten: earlier classes and their marks are kept.",
        ),
        # Import
        "ro_import_title": ("Загрузка списка учеников", "Importing a student list"),
        "ro_import_intro": (
            "Файл CSV или Excel (.xlsx), первая строка — заголовки столбцов. Сначала файл "
            "проверяется, и ничего не записывается: ошибки будут названы по строкам. "
            "В журнал список попадёт только после подтверждения — целиком или никак.",
            "A CSV or Excel (.xlsx) file whose first row holds the column headers. The file "
            "is checked first and nothing is written: errors are named by row. The list "
            "enters the journal only when you confirm, all of it or nothing.",
        ),
        "ro_import_columns": ("Столбцы", "Columns"),
        "ro_import_columns_text": (
            "Обязательные: «Фамилия», «Имя», «Класс» (или «ФИО» вместо фамилии и имени). "
            "Необязательные: «Отчество», «Дата рождения» (ДД.ММ.ГГГГ), для одного или двух "
            "представителей — «Родитель 1» (ФИО), «Родитель 1 телефон», «Родитель 1 email», "
            "«Родитель 1 кем приходится», и так же «Родитель 2 …». Заголовки можно писать "
            "и по-английски (Last name, First name, Class, Guardian 1 phone…).",
            "Required: “Фамилия / Last name”, “Имя / First name”, “Класс / Class” (or “ФИО / "
            "Full name” instead of the two names). Optional: “Middle name”, “Birth date” "
            "(DD.MM.YYYY), and for one or two guardians “Guardian 1” (full name), “Guardian 1 "
            "phone”, “Guardian 1 email”, “Guardian 1 relation”, likewise “Guardian 2 …”. "
            "Russian headers work as well.",
        ),
        "ro_import_sample": ("Образец файла (CSV)", "Sample file (CSV)"),
        "ro_import_file": ("Файл", "File"),
        "ro_import_submit": ("Проверить файл", "Check the file"),
        "ro_import_keep": (
            "Файл хранится в журнале только до подтверждения или отмены и не дольше суток.",
            "The file is kept only until it is confirmed or cancelled, one day at most.",
        ),
        "ro_import_recent": ("Недавние загрузки", "Recent imports"),
        "ro_col_uploaded": ("Загружен", "Uploaded"),
        "ro_col_file": ("Файл", "File"),
        "ro_col_status": ("Состояние", "Status"),
        "ro_col_by": ("Кто", "By"),
        "ro_status_uploaded": ("проверяется", "being checked"),
        "ro_status_checked": ("проверен, ждёт подтверждения", "checked, awaiting confirmation"),
        "ro_status_imported": ("загружен в журнал", "imported"),
        "ro_status_cancelled": ("отменён", "cancelled"),
        "ro_status_expired": ("удалён по сроку", "deleted (expired)"),
        "ro_import_file_title": ("Файл «{name}»", "File “{name}”"),
        "ro_import_meta": (
            "Загрузил(а) {who} {at}; дата зачисления {on}.",
            "Uploaded by {who} at {at}; enrolment date {on}.",
        ),
        "ro_stage_queued": ("Ожидание…", "Waiting…"),
        "ro_stage_reading": ("Чтение файла…", "Reading the file…"),
        "ro_stage_checking": (
            "Проверка строк: {done} из {total}",
            "Checking rows: {done} of {total}",
        ),
        "ro_stage_writing": (
            "Запись в журнал: {done} из {total}",
            "Writing to the journal: {done} of {total}",
        ),
        "ro_stage_done": ("Готово.", "Done."),
        "ro_import_failed": (
            "Обработка файла прервалась из-за ошибки сервера; ничего не записано. "
            "Попробуйте ещё раз.",
            "Processing stopped on a server error; nothing was written. Try again.",
        ),
        "ro_import_file_error": (
            "Файл не загружен: {message}",
            "The file cannot be used: {message}",
        ),
        "ro_import_problems": (
            "Ошибок: {count}, строк с ошибками: {rows}. Ничего не записано. Исправьте файл "
            "и загрузите его снова.",
            "Errors: {count}, in {rows} rows. Nothing was written. Fix the file and upload it "
            "again.",
        ),
        "ro_import_problems_cut": ("Показаны первые {shown}.", "The first {shown} are shown."),
        "ro_col_row": ("Строка", "Row"),
        "ro_col_column": ("Столбец", "Column"),
        "ro_col_problem": ("Ошибка", "Problem"),
        "ro_import_ready": ("Ошибок нет. Будет создано:", "No errors. This will be created:"),
        "ro_import_will_students": ("учеников: {count}", "students: {count}"),
        "ro_import_will_guardians": (
            "новых представителей: {count}",
            "new guardians: {count}",
        ),
        "ro_import_will_linked": (
            "представителей, уже известных школе (брат или сестра уже учатся): {count}",
            "guardians the school already knows (a brother or sister is here): {count}",
        ),
        "ro_import_by_class": ("По классам", "By class"),
        "ro_import_sample_rows": ("Первые строки", "First rows"),
        "ro_import_ignored": (
            "Не использованы столбцы: {columns}.",
            "Columns not used: {columns}.",
        ),
        "ro_import_confirm": ("Загрузить в журнал", "Import into the journal"),
        "ro_import_cancel": ("Отменить и удалить файл", "Cancel and delete the file"),
        "ro_import_done": ("Список загружен в журнал.", "The list is in the journal."),
        "ro_import_done_counts": (
            "Учеников: {students}, новых представителей: {guardians}, уже известных "
            "представителей: {linked}.",
            "Students: {students}, new guardians: {guardians}, guardians already known: {linked}.",
        ),
        "ro_import_cancelled_text": (
            "Загрузка отменена, файл удалён.",
            "Cancelled; the file is deleted.",
        ),
        "ro_import_expired_text": (
            "Файл не был подтверждён за сутки и удалён.",
            "The file was not confirmed within a day and has been deleted.",
        ),
        "ro_import_again": ("Загрузить другой файл", "Upload another file"),
        "ro_import_fixed": ("Загрузить исправленный файл", "Upload the corrected file"),
        "roster_back": ("← Ученики и классы", "← Students and classes"),
    }
)
