"""Texts of the summary statement and the administrator's set-up pages (merged into
`webapp.texts.TEXTS`). The names of the school's settings are core's
(`core.i18n`, keys `setting_<field>`), shared with core's error messages."""

from __future__ import annotations

from core.texts import Catalog

STATEMENT = Catalog(
    {
        "nav_statement": ("Ведомость", "Statement"),
        "statement_title": ("Сводная ведомость", "Summary statement"),
        "statement_class_title": (
            "Сводная ведомость {klass}, {year}",
            "Summary statement of {klass}, {year}",
        ),
        "statement_pick": ("Выберите класс:", "Choose a class:"),
        "statement_none": (
            "Вам не доступна ни одна ведомость: её видят классный руководитель класса, "
            "заместитель директора и администратор.",
            "No statement is available to you: a class's statement is read by its class "
            "teacher, the deputy director and the administrator.",
        ),
        "statement_intro": (
            "Итоговые отметки за периоды и за год; «*» — предварительная отметка, пока "
            "итоговой нет. Ведомость строится по журналу в момент открытия.",
            "Period and year marks; «*» is a preliminary mark while there is no final one. "
            "The statement is built from the journal when you open it.",
        ),
        "statement_student": ("Ученик", "Student"),
        "statement_average": ("Средний балл", "Average"),
        "statement_class_average": ("Средний балл класса", "Class average"),
        "statement_left": ("выбыл(а) {date}", "left {date}"),
        "statement_no_marks": (
            "В этом классе отметки не выставляются.",
            "This class gets no marks.",
        ),
        "statement_no_students": ("В классе нет учеников.", "The class has no students."),
        "statement_made": (
            "Построена {at}. SHA-256 содержимого: {hash}",
            "Built {at}. Content SHA-256: {hash}",
        ),
        "statement_hash_note": (
            "SHA-256 содержимого считается по данным ведомости в каноническом виде JSON "
            "(без времени построения) и печатается в каждом файле; SHA-256 файла считается "
            "по его байтам, хранится в архиве и отдаётся при скачивании "
            "(заголовок X-Content-SHA256).",
            "The content SHA-256 is computed over the statement's data as canonical JSON "
            "(without the time it was built) and printed in every file; the file's SHA-256 "
            "is computed over its bytes, kept in the archive and sent with each download "
            "(header X-Content-SHA256).",
        ),
        "statement_export": ("Сформировать", "Export"),
        "statement_export_pdf": ("PDF для печати", "PDF to print"),
        "statement_export_xlsx": ("XLSX (Excel)", "XLSX (Excel)"),
        "statement_exports": ("Архив выгрузок", "Archive of exports"),
        "statement_exports_none": ("Выгрузок ещё не было.", "No exports yet."),
        "statement_exported": (
            "Файл сформирован и сохранён в архиве.",
            "The file is made and kept in the archive.",
        ),
        "export_when": ("Сформирован", "Made"),
        "export_by": ("Кем", "By"),
        "export_format": ("Формат", "Format"),
        "export_size": ("Размер", "Size"),
        "export_content_hash": ("SHA-256 содержимого", "Content SHA-256"),
        "export_file_hash": ("SHA-256 файла", "File SHA-256"),
        "export_download": ("Скачать", "Download"),
        "size_kb": ("{kb} КБ", "{kb} KB"),
    }
)

ADMIN = Catalog(
    {
        "nav_admin": ("Управление школой", "School set-up"),
        "tab_school": ("Школа и звонки", "School and bells"),
        "tab_calendar": ("Учебный год", "Academic year"),
        "tab_classes": ("Классы", "Classes"),
        "tab_subjects": ("Предметы", "Subjects"),
        "tab_assignments": ("Нагрузка", "Assignments"),
        "tab_timetable": ("Расписание", "Timetable"),
        "tab_staff": ("Сотрудники", "Staff"),
        "read_only": (
            "Просмотр: изменения вносит администратор школы.",
            "Read only: the school administrator makes changes.",
        ),
        "saved": ("Сохранено.", "Saved."),
        "save": ("Сохранить", "Save"),
        "add": ("Добавить", "Add"),
        "delete": ("Удалить", "Delete"),
        "none_yet": ("Пока ничего нет.", "Nothing yet."),
        "dash": ("—", "—"),
        "school_name": ("Название школы", "School name"),
        "timezone": ("Часовой пояс", "Time zone"),
        "timezone_hint": ("например, Europe/Moscow", "e.g. Europe/Moscow"),
        "bells_title": ("Расписание звонков", "Bell schedule"),
        "bells_hint": (
            "Пустые строки не сохраняются; время — как 08:30.",
            "Empty rows are not kept; write times like 08:30.",
        ),
        "bell_slot": ("Урок", "Lesson"),
        "bell_start": ("Начало", "Start"),
        "bell_end": ("Конец", "End"),
        "policy_title": ("Правила журнала и рассылок", "Journal and delivery rules"),
        "policy_deadlines": ("Сроки", "Deadlines"),
        "policy_delivery": ("Рассылки родителям", "Messages to parents"),
        "policy_weights": ("Веса видов работ (для среднего балла)", "Work type weights"),
        "after_last_lesson": (
            "через N минут после последнего урока",
            "N minutes after the last lesson",
        ),
        "fixed_time": ("до фиксированного времени", "by a fixed time"),
        "yes": ("да", "yes"),
        "years_title": ("Учебные годы", "Academic years"),
        "year_name": ("Название", "Name"),
        "starts_on": ("С", "From"),
        "ends_on": ("По", "To"),
        "periods_title": ("Периоды", "Periods"),
        "period_name": ("Период", "Period"),
        "period_kind": ("Вид", "Kind"),
        "kind_quarter": ("четверть", "quarter"),
        "kind_half": ("полугодие", "half-year"),
        "kind_year": ("год", "year"),
        "holidays_title": ("Каникулы и выходные", "Holidays and days off"),
        "holiday_name": ("Название", "Name"),
        "no_year": (
            "Учебный год не задан: добавьте его на вкладке «Учебный год».",
            "No academic year yet: add one under “Academic year”.",
        ),
        "year_label": ("Учебный год {name}", "Academic year {name}"),
        "class": ("Класс", "Class"),
        "grade": ("Параллель", "Grade"),
        "letter": ("Литера", "Letter"),
        "class_teacher": ("Классный руководитель", "Class teacher"),
        "nobody": ("не назначен", "none"),
        "subject": ("Предмет", "Subject"),
        "short_name": ("Краткое название", "Short name"),
        "teacher": ("Учитель", "Teacher"),
        "group": ("Группа", "Group"),
        "whole_class": ("весь класс", "whole class"),
        "weekday": ("День", "Day"),
        "slot": ("Урок", "Lesson"),
        "tt_room": ("Кабинет", "Room"),
        "timetable_of": ("Расписание {klass}", "Timetable of {klass}"),
        "staff_login": ("Логин", "Login"),
        "last_name": ("Фамилия", "Last name"),
        "first_name": ("Имя", "First name"),
        "middle_name": ("Отчество", "Middle name"),
        "roles": ("Роли", "Roles"),
        "initial_password": ("Начальный пароль", "Initial password"),
        "initial_password_hint": (
            "Пусто — вход по коду приглашения в Telegram-боте.",
            "Empty: the person signs in with an invite code in the Telegram bot.",
        ),
        "staff_create": ("Новый сотрудник", "New staff member"),
        "staff_state": ("Состояние", "State"),
        "staff_locked_at": ("заблокирован(а) {at}", "locked {at}"),
        "staff_active": ("действует", "active"),
        "staff_no_password": ("без пароля", "no password"),
        "staff_telegram": ("Telegram подключён", "Telegram linked"),
        "set_roles": ("Сменить роли", "Change roles"),
        "set_password": ("Задать пароль", "Set password"),
        "issue_invite": ("Код приглашения", "Invite code"),
        "invite_issued": (
            "Код приглашения для {name}: {code} (действует до {until}). Передайте его лично: "
            "больше он показан не будет.",
            "Invite code for {name}: {code} (valid until {until}). Hand it over in person: "
            "it will not be shown again.",
        ),
        "lock": ("Заблокировать", "Lock"),
        "lock_hint": (
            "Нарушение доступа: всё, что внесено с этой учётной записи после указанного "
            "времени, будет аннулировано.",
            "Access breach: everything this account entered after the given time is voided.",
        ),
        "breach_at": ("Нарушение с", "Breach since"),
        "unlock": ("Разблокировать с новым паролем", "Unlock with a new password"),
        "actions": ("Действия", "Actions"),
    }
)
