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
        "bad_period_mark_kind": (
            "Неизвестный вид итоговой отметки «{value}»: возможны предварительная или итоговая."
        ),
        "student_no_class": "{student} не числится ни в одном классе на {date}.",
        "substitute_not_teacher": "{name} не учитель: замещать урок может только учитель школы.",
        "substitute_locked": (
            "Учётная запись {name} заблокирована: назначьте на замену другого учителя."
        ),
        "substitute_is_teacher": "{name} и так ведёт этот урок: замена не нужна.",
        "bad_minutes_late": (
            "Опоздание указывается в минутах (от 1 до {limit}) и только с отметкой «оп»."
        ),
        "homework_due_before_lesson": "Срок сдачи {due} раньше самого урока ({date}).",
        "no_next_lesson": (
            "В журнале нет урока «{subject}» в {klass} {date} или позже: сначала запишите урок."
        ),
        "bad_remark_kind": (
            "Неизвестный вид записи «{value}»: возможны замечание, благодарность "
            "или обращение к родителям."
        ),
        "not_teacher_of_class": "Вы не преподаёте в {klass} и не являетесь его классным руководителем.",
        "not_class_teacher": (
            "Объявления для {klass} размещает классный руководитель или администрация школы."
        ),
        "school_announcement_forbidden": (
            "Объявление для всей школы может разместить только администрация школы."
        ),
        "empty_title": "Заголовок не может быть пустым.",
        "monthly_needs_class": "Ежемесячное сообщение родителям пишется классу: выберите класс.",
        # People: staff accounts, roster, guardians, invites, consent.
        "bad_credentials": "Неверный логин или пароль.",
        "bad_login": (
            "Логин «{login}» не подходит: от 3 до 64 символов — латинские буквы, цифры "
            "и знаки . _ - @."
        ),
        "login_taken": "Логин «{login}» уже занят. Выберите другой.",
        "bad_role": "Неизвестная роль «{role}»: возможны {allowed}.",
        "roles_required": "Укажите хотя бы одну роль: {allowed}.",
        "password_too_short": "Пароль слишком короткий: нужно не меньше {min} символов.",
        "wrong_current_password": "Текущий пароль указан неверно.",
        "login_blocked": (
            "Слишком много неудачных попыток входа: вход с этим логином закрыт до {until}. "
            "Если пароль забыт, обратитесь к администратору школы."
        ),
        "password_too_common": "Этот пароль слишком распространён: придумайте другой.",
        "password_too_uniform": "В пароле должно быть не меньше {min} разных символов.",
        "password_contains_login": "Пароль не должен содержать логин.",
        "token_name_too_long": "Название токена — не длиннее {max} символов.",
        "token_already_revoked": "Токен «{name}» уже отозван.",
        "school_required": "Укажите школу, в которой создаётся учётная запись.",
        "breach_self": (
            "О нарушении доступа к своей учётной записи сообщите другому администратору "
            "или заместителю директора."
        ),
        "breach_in_future": "Время получения сообщения о нарушении ({at}) ещё не наступило.",
        "staff_locked": "Учётная запись {staff} заблокирована: сначала разблокируйте её.",
        "staff_not_locked": "Учётная запись {staff} не заблокирована.",
        "not_people_manager": (
            "Недостаточно прав: это делает администратор, секретарь "
            "или классный руководитель ученика."
        ),
        "not_your_consent": (
            "Недостаточно прав: согласие даёт или отзывает сам законный представитель, "
            "а по бумажному заявлению — администратор или секретарь."
        ),
        "last_name_required": "Укажите фамилию.",
        "first_name_required": "Укажите имя.",
        "bad_birth_date": "Дата рождения {date} не может быть позже даты зачисления {on}.",
        "date_outside_year": "{date} не входит в учебный год {year} класса {klass}.",
        "not_enrolled": "{student} сейчас не числится ни в одном классе.",
        "roster_date_too_early": (
            "{student} учится в {klass} с {since}: дата {date} должна быть позже."
        ),
        "leave_reason_required": "Укажите причину выбытия.",
        "bad_phone": (
            "Телефон «{phone}» не распознан: укажите номер полностью, "
            "например +7 916 123-45-67 или 8 (916) 123-45-67."
        ),
        "bad_email": "Адрес «{email}» не похож на адрес электронной почты.",
        "bad_language": "Язык «{value}» не поддерживается: возможны {allowed}.",
        "guardian_phone_taken": (
            "Номер {phone} уже указан у представителя {guardian}: привяжите его "
            "к ученику, а не создавайте заново."
        ),
        "guardian_already_linked": "{guardian} уже указан(а) представителем ученика {student}.",
        # Roster import (core/services/roster_import.py and its file and plan modules).
        "roster_file_empty": "Файл пуст: в нём нет ни заголовка, ни строк.",
        "roster_no_rows": "В файле есть заголовок, но нет ни одной строки с учениками.",
        "roster_file_too_big": "Файл больше {limit} МБ: разделите его на несколько.",
        "roster_too_many_rows": "В файле больше {limit} строк: разделите его на несколько.",
        "roster_old_xls": (
            "Это файл старого формата Excel (.xls): сохраните его как «Книга Excel (.xlsx)» "
            "или как CSV."
        ),
        "roster_bad_xlsx": (
            "Файл не читается как книга Excel (.xlsx): возможно, он повреждён. "
            "Сохраните его заново или как CSV."
        ),
        "roster_bad_encoding": (
            "Текст файла не прочитать: сохраните его в кодировке UTF-8 или Windows-1251."
        ),
        "roster_bad_csv": "Файл CSV повреждён около строки {row} (например, незакрытая кавычка).",
        "roster_duplicate_column": "Столбец «{column}» повторяет столбец «{first}»: оставьте один.",
        "roster_missing_columns": (
            "В файле нет обязательных столбцов: {columns}. Первая строка должна содержать "
            "заголовки столбцов, как в образце."
        ),
        "roster_bad_date": "Дата «{value}» не распознана: пишите ДД.ММ.ГГГГ, например 02.04.2013.",
        "roster_unknown_class": (
            "Класса «{klass}» нет в учебном году на {date}. Есть классы: {known}."
        ),
        "roster_duplicate_in_file": "{student} уже есть в файле, в строке {row}.",
        "roster_student_exists": "{student} уже учится в школе ({klass}).",
        "roster_guardian_name_required": (
            "Укажите фамилию и имя представителя {n} (например, «Соколова Анна Петровна»)."
        ),
        "roster_phone_in_file": (
            "Номер {phone} в строке {row} указан у другого человека: {guardian}."
        ),
        "roster_guardian_twice": "{guardian} указан(а) в строке дважды.",
        "roster_import_done": "Этот файл уже загружен в журнал.",
        "roster_import_cancelled": "Загрузка этого файла отменена: загрузите файл заново.",
        "roster_import_expired": (
            "Файл хранится не больше {hours} ч и уже удалён: загрузите его заново."
        ),
        "roster_import_not_checked": "Файл ещё проверяется: дождитесь конца проверки.",
        "roster_import_fix_first": (
            "В файле есть ошибки (строк с ошибками: {count}): исправьте их и загрузите файл снова."
        ),
        "roster_import_has_errors": (
            "Пока файл ждал подтверждения, журнал изменился, и теперь в файле ошибок: {count}. "
            "Ничего не записано: исправьте файл и загрузите его снова."
        ),
        "invite_target": "Укажите одно: код для родителя или код для сотрудника.",
        "bad_invite_ttl": "Срок действия кода — от 1 до 365 дней, указано {days}.",
        "invite_already_used": "Код уже использован {date}: отзывать нечего.",
        "consent_required": (
            "Чтобы получать сообщения о ребёнке, нужно дать согласие "
            "на обработку персональных данных."
        ),
        "bad_consent_source": (
            "Способ получения согласия «{source}» здесь не подходит: возможны {allowed}."
        ),
        # Reading a diary (core/reading).
        "not_your_child": "Недостаточно прав: это не ваш ребёнок.",
        "diary_readers_only": (
            "Дневник ученика читают его законные представители и учителя школы."
        ),
        # A guardian's own settings, contact changes and acknowledgements.
        "guardian_unknown": (
            "Настройки доступны после подписки по коду приглашения от классного руководителя."
        ),
        "bad_topic": "Неизвестный вид сообщений «{value}»: возможны {allowed}.",
        "bad_mode": "Неизвестный режим «{value}»: возможны {allowed}.",
        "bad_channel": "Неизвестный канал «{value}»: возможны {allowed}.",
        "channels_required": "Укажите хотя бы один канал связи.",
        "duplicate_channel": "Канал «{value}» указан дважды.",
        "channel_without_address": (
            "{channel} не может быть первым каналом: для него не указан адрес. "
            "Сначала добавьте его в разделе «Контакты»."
        ),
        "bad_time": "Время «{value}» не распознано: напишите, например, 18:30.",
        "bad_quiet_hours": (
            "Тихие часы «{value}» не распознаны: напишите, например, 21:00–07:30, "
            "или «нет», чтобы обходиться без них."
        ),
        "quiet_hours_empty": (
            "Начало и конец тихих часов совпадают. Чтобы обходиться без них, "
            "выберите «Без тихих часов»."
        ),
        "bad_contact_channel": "Подтвердить можно адрес электронной почты или телефон для SMS.",
        "contact_unchanged": "Этот адрес уже указан у вас.",
        "contact_too_many": "Слишком много запросов кода за сутки. Попробуйте завтра.",
        "contact_no_pending": "Нет адреса, ожидающего подтверждения. Начните изменение заново.",
        "contact_code_wrong": "Код неверный. Осталось попыток: {left}.",
        "contact_code_locked": "Слишком много неверных попыток. Запросите новый код.",
        "contact_code_expired": "Срок действия кода истёк. Запросите новый код.",
        "ack_refused": "Эта отметка вам недоступна.",
        "ack_reader_forbidden": (
            "Отметки об ознакомлении видят классный руководитель, автор объявления "
            "и администрация школы."
        ),
        "bad_value": "Недопустимое значение: {reason}.",
        # Class teachers' pages (core/services/class_families.py, core/reports/*).
        "class_families_forbidden": (
            "Родителей {klass} видят классный руководитель, администрация школы и секретарь."
        ),
        "invite_sheet_no_guardians": "В {klass} нет родителей, которым можно выдать код.",
        "invite_sheet_all_subscribed": "Все родители {klass} уже подключены к боту.",
        "student_not_in_class": "{student} не учится в {klass}.",
        "paper_summary_nobody": "В {klass} никто из родителей не просил итоги недели на бумаге.",
        "class_has_no_students": "В {klass} нет учеников.",
        # School set-up (core/services/school_setup.py, school_calendar.py,
        # school_structure.py) and the summary statement (core/reading/statement.py).
        "statement_readers_only": (
            "Недостаточно прав: сводную ведомость класса видят его классный руководитель, "
            "заместитель директора и администратор школы."
        ),
        "bad_export_format": "Формат «{value}» не поддерживается: возможны {allowed}.",
        "bad_setting": "«{setting}»: значение «{value}» не подходит.",
        "setting_time": "«{setting}»: время «{value}» не распознано — напишите, например, 21:00.",
        "setting_choice": "«{setting}»: значение «{value}» не подходит, возможны {allowed}.",
        "setting_min": "«{setting}»: нужно целое число не меньше {min}, указано «{value}».",
        "setting_range": "«{setting}»: нужно целое число от {min} до {max}, указано «{value}».",
        "setting_marks_from_grade": "Отметки выставляются с класса",
        "setting_electives_attendance_only": "Элективы: только посещаемость",
        "setting_homework_deadline": "Срок записи домашнего задания",
        "setting_homework_minutes_after_last_lesson": "Минут после последнего урока класса",
        "setting_homework_fixed_time": "Домашнее задание — до времени",
        "setting_oral_mark_days": "Устный ответ: дней на отметку",
        "setting_written_mark_days_junior": "Письменные работы, 2–8 классы: дней",
        "setting_written_mark_days_senior": "Письменные работы, 9–11 классы: дней",
        "setting_essay_mark_days_senior": "Сочинения, 9–11 классы: дней",
        "setting_preliminary_marks_days_before_holidays": (
            "Предварительные отметки: дней до каникул"
        ),
        "setting_work_type_weights": "Веса видов работ",
        "setting_grace_window_seconds": "Окно исправления отметки, секунд",
        "setting_quiet_hours_start": "Тихие часы: начало",
        "setting_quiet_hours_end": "Тихие часы: конец",
        "setting_digest_time": "Время ежедневной сводки",
        "setting_sms_daily_budget": "SMS в сутки, не больше",
        "setting_invite_ttl_days": "Срок действия кода приглашения, дней",
        "bad_weight": "Вес вида работы «{work_type}» — число от 0,1 до {max}, указано «{value}».",
        "bad_timezone": "Часовой пояс «{value}» не найден: укажите, например, Europe/Moscow.",
        "school_name_required": "Укажите название школы.",
        "bells_required": "В расписании звонков должен быть хотя бы один урок.",
        "bell_bad_slot": "Номер урока — от 0 до {max}, указано «{slot}».",
        "bell_duplicate": "{slot}-й урок указан дважды.",
        "bell_bad_time": "{slot}-й урок: время «{value}» не распознано — напишите, например, 08:30.",
        "bell_order": "{slot}-й урок: начало {start} должно быть раньше конца {end}.",
        "bell_overlap": "{slot}-й урок начинается в {start}, раньше конца предыдущего ({end}).",
        "bell_in_timetable": (
            "{slot}-й урок есть в расписании ({count}): сначала уберите эти уроки из расписания."
        ),
        "name_too_long": "Название слишком длинное: не больше {max} символов.",
        "bad_date_range": "Дата начала {start} позже даты окончания {end}.",
        "outside_year": (
            "Даты {start}–{end} выходят за учебный год {year} ({year_start}–{year_end})."
        ),
        "year_name_required": "Укажите название учебного года, например 2027/2028.",
        "year_overlap": "Учебный год {name} пересекается с учебным годом {other}.",
        "period_name_required": "Укажите название периода, например «1 четверть».",
        "bad_period_kind": "Вид периода «{value}» не подходит: возможны {allowed}.",
        "period_overlap": "Период «{name}» пересекается с периодом «{other}».",
        "period_has_marks": "За период «{name}» уже выставлены отметки ({count}): удалить его нельзя.",
        "holiday_name_required": "Укажите название каникул или выходного дня.",
        "holiday_has_lessons": (
            "{date} в журнале уже есть уроки ({count}): каникулы на эти дни не назначить."
        ),
        "not_a_teacher": "{name} — не учитель: назначить можно только учителя.",
        "bad_grade": "Параллель класса — от 1 до 11, указано «{value}».",
        "bad_letter": "Литера класса — одна или две буквы, например «А»; указано «{value}».",
        "class_exists": "Класс {klass} в учебном году {year} уже есть.",
        "subject_name_required": "Укажите название предмета.",
        "subject_exists": "Предмет «{name}» уже есть.",
        "group_not_in_class": "Группа «{group}» не относится к классу {klass}.",
        "assignment_exists": "{teacher} уже ведёт «{subject}» в {klass}.",
        "assignment_in_timetable": (
            "Это назначение есть в расписании ({count}): сначала уберите эти уроки из расписания."
        ),
        "bad_weekday": "День недели «{value}» не подходит: уроки бывают с понедельника по субботу.",
        "timetable_not_assigned": (
            "{teacher} не ведёт «{subject}» в {klass}: сначала назначьте учителя на предмет."
        ),
        "timetable_class_busy": "У {klass} в этот день на {slot}-м уроке уже стоит «{subject}».",
        "timetable_teacher_busy": "{teacher} в этот день на {slot}-м уроке уже ведёт урок в {klass}.",
        "bad_date": "Дата «{value}» не распознана: укажите, например, 23.11.2026.",
        "own_admin_role": (
            "Свою роль администратора снять нельзя: это может сделать другой администратор."
        ),
        # The journal grid and the lesson page (webapp /journal, /lessons).
        "journal_not_yours": "Журнал «{subject}» {klass} вам недоступен.",
        "grid_bad_cell": (
            "Не понятно, что записать: «{value}». В клетку пишут отметки 2–5 через пробел "
            "и «н», «б» или «оп»."
        ),
        "grid_two_attendance": (
            "В клетке «{value}» две отметки посещаемости: оставьте одну («н», «б» или «оп»)."
        ),
        "period_mark_not_cleared": (
            "Итоговую отметку нельзя стереть: исправьте её (2, 3, 4, 5, «осв» или «н/а»)."
        ),
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
        "bad_period_mark_kind": "Unknown period mark kind “{value}”: preliminary or final.",
        "student_no_class": "{student} is not enrolled in any class on {date}.",
        "substitute_not_teacher": "{name} is not a teacher: only a teacher can substitute.",
        "substitute_locked": "{name}'s account is locked: choose another substitute.",
        "substitute_is_teacher": "{name} already teaches this lesson: no substitute needed.",
        "bad_minutes_late": (
            "Lateness is given in minutes (1 to {limit}) and only with the «оп» mark."
        ),
        "homework_due_before_lesson": "Due date {due} is before the lesson itself ({date}).",
        "no_next_lesson": (
            "The journal has no {subject} lesson in {klass} on {date} or later: "
            "record the lesson first."
        ),
        "bad_remark_kind": "Unknown note kind “{value}”: remark, praise or appeal to parents.",
        "not_teacher_of_class": "You neither teach in {klass} nor are its class teacher.",
        "not_class_teacher": "Announcements for {klass} are posted by its class teacher or the school administration.",
        "school_announcement_forbidden": (
            "Only the school administration can post an announcement to the whole school."
        ),
        "empty_title": "The title must not be empty.",
        "monthly_needs_class": "The monthly message to parents is for a class: choose the class.",
        # People: staff accounts, roster, guardians, invites, consent.
        "bad_credentials": "Wrong login or password.",
        "bad_login": (
            "Login “{login}” is not allowed: 3 to 64 characters, Latin letters, digits and . _ - @."
        ),
        "login_taken": "Login “{login}” is taken. Choose another one.",
        "bad_role": "Unknown role “{role}”: use {allowed}.",
        "roles_required": "Give at least one role: {allowed}.",
        "password_too_short": "The password is too short: at least {min} characters.",
        "wrong_current_password": "The current password is wrong.",
        "login_blocked": (
            "Too many failed sign-ins: this login is closed until {until}. "
            "If you forgot the password, ask the school administrator."
        ),
        "password_too_common": "This password is too common: choose another one.",
        "password_too_uniform": "The password needs at least {min} different characters.",
        "password_contains_login": "The password must not contain the login.",
        "token_name_too_long": "A token name is at most {max} characters.",
        "token_already_revoked": "Token “{name}” is already revoked.",
        "school_required": "Say which school the account belongs to.",
        "breach_self": (
            "Report a breach of your own account to another administrator or the deputy director."
        ),
        "breach_in_future": "The time the breach was reported ({at}) has not come yet.",
        "staff_locked": "The account of {staff} is locked: unlock it first.",
        "staff_not_locked": "The account of {staff} is not locked.",
        "not_people_manager": (
            "Not allowed: this is done by an administrator, the secretary "
            "or the student's class teacher."
        ),
        "not_your_consent": (
            "Not allowed: consent is given or withdrawn by the guardian themselves, "
            "or from a paper form by an administrator or the secretary."
        ),
        "last_name_required": "Enter the last name.",
        "first_name_required": "Enter the first name.",
        "bad_birth_date": "Date of birth {date} cannot be after the enrolment date {on}.",
        "date_outside_year": "{date} is outside the academic year {year} of class {klass}.",
        "not_enrolled": "{student} is not in any class now.",
        "roster_date_too_early": (
            "{student} has been in {klass} since {since}: the date {date} must be later."
        ),
        "leave_reason_required": "Give the reason for leaving.",
        "bad_phone": (
            "Phone number “{phone}” not recognised: enter the full number, "
            "e.g. +7 916 123-45-67 or 8 (916) 123-45-67."
        ),
        "bad_email": "“{email}” does not look like an e-mail address.",
        "bad_language": "Language “{value}” is not supported: use {allowed}.",
        "guardian_phone_taken": (
            "Number {phone} already belongs to guardian {guardian}: link them to the "
            "student instead of adding them again."
        ),
        "guardian_already_linked": "{guardian} is already a guardian of {student}.",
        "roster_file_empty": "The file is empty: no header and no rows.",
        "roster_no_rows": "The file has a header but no rows of students.",
        "roster_file_too_big": "The file is larger than {limit} MB: split it into several.",
        "roster_too_many_rows": "The file has more than {limit} rows: split it into several.",
        "roster_old_xls": (
            "This is an old Excel file (.xls): save it as an Excel workbook (.xlsx) or as CSV."
        ),
        "roster_bad_xlsx": (
            "The file cannot be read as an Excel workbook (.xlsx); it may be damaged. "
            "Save it again, or as CSV."
        ),
        "roster_bad_encoding": "The file's text cannot be read: save it as UTF-8 or Windows-1251.",
        "roster_bad_csv": "The CSV file is damaged near row {row} (an unclosed quote, say).",
        "roster_duplicate_column": "Column “{column}” repeats column “{first}”: keep one.",
        "roster_missing_columns": (
            "The file lacks required columns: {columns}. Its first row must hold the column "
            "headers, as in the sample."
        ),
        "roster_bad_date": "Date “{value}” not understood: write DD.MM.YYYY, e.g. 02.04.2013.",
        "roster_unknown_class": (
            "There is no class “{klass}” in the school year of {date}. Classes: {known}."
        ),
        "roster_duplicate_in_file": "{student} is already in the file, in row {row}.",
        "roster_student_exists": "{student} is already at the school ({klass}).",
        "roster_guardian_name_required": (
            "Give guardian {n}'s last and first name (e.g. “Sokolova Anna Petrovna”)."
        ),
        "roster_phone_in_file": "Number {phone} is given for someone else in row {row}: {guardian}.",
        "roster_guardian_twice": "{guardian} is given twice in the row.",
        "roster_import_done": "This file has already been imported into the journal.",
        "roster_import_cancelled": "This file's import was cancelled: upload the file again.",
        "roster_import_expired": (
            "Files are kept at most {hours} h and this one was deleted: upload it again."
        ),
        "roster_import_not_checked": "The file is still being checked: wait for the check to end.",
        "roster_import_fix_first": (
            "The file has errors ({count}): fix them and upload the file again."
        ),
        "roster_import_has_errors": (
            "While the file waited for confirmation the journal changed, and the file now has "
            "{count} errors. Nothing was written: fix the file and upload it again."
        ),
        "invite_target": "Choose one: a code for a parent or a code for a staff member.",
        "bad_invite_ttl": "A code is valid for 1 to 365 days, not {days}.",
        "invite_already_used": "The code was already used on {date}: nothing to revoke.",
        "consent_required": (
            "To get messages about your child, please consent to the processing of personal data."
        ),
        "bad_consent_source": "Consent source “{source}” does not fit here: use {allowed}.",
        # Reading a diary (core/reading).
        "not_your_child": "Not allowed: this is not your child.",
        "diary_readers_only": "A student's diary is read by their guardians and the school's teachers.",
        # A guardian's own settings, contact changes and acknowledgements.
        "guardian_unknown": (
            "Settings are available once you subscribe with an invite code from the class teacher."
        ),
        "bad_topic": "Unknown kind of message “{value}”: use {allowed}.",
        "bad_mode": "Unknown mode “{value}”: use {allowed}.",
        "bad_channel": "Unknown channel “{value}”: use {allowed}.",
        "channels_required": "Give at least one channel.",
        "duplicate_channel": "Channel “{value}” is given twice.",
        "channel_without_address": (
            "{channel} cannot be the first channel: there is no address for it. "
            "Add one under “Contacts” first."
        ),
        "bad_time": "Time “{value}” not recognised: write it like 18:30.",
        "bad_quiet_hours": (
            "Quiet hours “{value}” not recognised: write them like 21:00–07:30, "
            "or “none” to have none."
        ),
        "quiet_hours_empty": (
            "Quiet hours start and end at the same time. To have none, choose “No quiet hours”."
        ),
        "bad_contact_channel": "Only an e-mail address or a phone number for SMS can be confirmed.",
        "contact_unchanged": "You already have this address.",
        "contact_too_many": "Too many code requests today. Please try again tomorrow.",
        "contact_no_pending": "No address is waiting for confirmation. Please start again.",
        "contact_code_wrong": "Wrong code. Attempts left: {left}.",
        "contact_code_locked": "Too many wrong attempts. Please ask for a new code.",
        "contact_code_expired": "The code has expired. Please ask for a new code.",
        "ack_refused": "This acknowledgement is not available to you.",
        "ack_reader_forbidden": (
            "Acknowledgements are seen by the class teacher, the announcement's author "
            "and the school administration."
        ),
        "bad_value": "Invalid value: {reason}.",
        "class_families_forbidden": (
            "The parents of {klass} are seen by its class teacher, the school administration "
            "and the secretary."
        ),
        "invite_sheet_no_guardians": "{klass} has no parents to give a code to.",
        "invite_sheet_all_subscribed": "Every parent of {klass} has already joined the bot.",
        "student_not_in_class": "{student} is not in {klass}.",
        "paper_summary_nobody": "No parent in {klass} asked for the week's summary on paper.",
        "class_has_no_students": "{klass} has no students.",
        "statement_readers_only": (
            "Not allowed: a class's summary statement is read by its class teacher, "
            "the deputy director and the school administrator."
        ),
        "bad_export_format": "Format “{value}” is not supported: use {allowed}.",
        "bad_setting": "“{setting}”: “{value}” is not allowed.",
        "setting_time": "“{setting}”: time “{value}” not recognised — write it like 21:00.",
        "setting_choice": "“{setting}”: “{value}” is not allowed, use {allowed}.",
        "setting_min": "“{setting}”: a whole number of at least {min} is needed, not “{value}”.",
        "setting_range": "“{setting}”: a whole number from {min} to {max} is needed, not “{value}”.",
        "setting_marks_from_grade": "Marks are given from grade",
        "setting_electives_attendance_only": "Electives: attendance only",
        "setting_homework_deadline": "Homework deadline",
        "setting_homework_minutes_after_last_lesson": "Minutes after the class's last lesson",
        "setting_homework_fixed_time": "Homework by the time",
        "setting_oral_mark_days": "Oral answers: days to mark",
        "setting_written_mark_days_junior": "Written work, grades 2–8: days",
        "setting_written_mark_days_senior": "Written work, grades 9–11: days",
        "setting_essay_mark_days_senior": "Essays, grades 9–11: days",
        "setting_preliminary_marks_days_before_holidays": "Preliminary marks: days before holidays",
        "setting_work_type_weights": "Weights of work types",
        "setting_grace_window_seconds": "Grace window for a mark, seconds",
        "setting_quiet_hours_start": "Quiet hours: start",
        "setting_quiet_hours_end": "Quiet hours: end",
        "setting_digest_time": "Daily digest time",
        "setting_sms_daily_budget": "SMS per day, at most",
        "setting_invite_ttl_days": "Invite code valid for, days",
        "bad_weight": "The weight of work type “{work_type}” is 0.1 to {max}, not “{value}”.",
        "bad_timezone": "Time zone “{value}” not found: use one like Europe/Moscow.",
        "school_name_required": "Enter the school's name.",
        "bells_required": "The bell schedule needs at least one lesson.",
        "bell_bad_slot": "A lesson number is 0 to {max}, not “{slot}”.",
        "bell_duplicate": "Lesson {slot} is given twice.",
        "bell_bad_time": "Lesson {slot}: time “{value}” not recognised — write it like 08:30.",
        "bell_order": "Lesson {slot}: the start {start} must be before the end {end}.",
        "bell_overlap": "Lesson {slot} starts at {start}, before the previous one ends ({end}).",
        "bell_in_timetable": (
            "Lesson {slot} is in the timetable ({count}): take those lessons out of it first."
        ),
        "name_too_long": "The name is too long: at most {max} characters.",
        "bad_date_range": "The start date {start} is after the end date {end}.",
        "outside_year": (
            "The dates {start}–{end} are outside the academic year {year} "
            "({year_start}–{year_end})."
        ),
        "year_name_required": "Enter the academic year's name, e.g. 2027/2028.",
        "year_overlap": "Academic year {name} overlaps academic year {other}.",
        "period_name_required": "Enter the period's name, e.g. “Quarter 1”.",
        "bad_period_kind": "Period kind “{value}” is not allowed: use {allowed}.",
        "period_overlap": "Period “{name}” overlaps period “{other}”.",
        "period_has_marks": "Period “{name}” already has marks ({count}): it cannot be deleted.",
        "holiday_name_required": "Enter the name of the holidays or the day off.",
        "holiday_has_lessons": (
            "The journal already has lessons on {date} ({count}): no holidays on those days."
        ),
        "not_a_teacher": "{name} is not a teacher: only a teacher can be assigned.",
        "bad_grade": "A class's grade is 1 to 11, not “{value}”.",
        "bad_letter": "A class letter is one or two letters, e.g. «А»; not “{value}”.",
        "class_exists": "Class {klass} already exists in the academic year {year}.",
        "subject_name_required": "Enter the subject's name.",
        "subject_exists": "Subject “{name}” already exists.",
        "group_not_in_class": "Group “{group}” is not part of class {klass}.",
        "assignment_exists": "{teacher} already teaches {subject} in {klass}.",
        "assignment_in_timetable": (
            "This assignment is in the timetable ({count}): take those lessons out of it first."
        ),
        "bad_weekday": "Day “{value}” is not allowed: lessons are Monday to Saturday.",
        "timetable_not_assigned": (
            "{teacher} does not teach {subject} in {klass}: assign the teacher first."
        ),
        "timetable_class_busy": "{klass} already has {subject} in lesson {slot} that day.",
        "timetable_teacher_busy": "{teacher} already teaches {klass} in lesson {slot} that day.",
        "bad_date": "Date “{value}” not recognised: write it like 23.11.2026.",
        "own_admin_role": (
            "You cannot drop your own administrator role: another administrator can."
        ),
        # The journal grid and the lesson page (webapp /journal, /lessons).
        "journal_not_yours": "The journal of “{subject}” in {klass} is not open to you.",
        "grid_bad_cell": (
            "Cannot tell what to record: “{value}”. A cell takes marks 2–5 separated by "
            "spaces and «н», «б» or «оп» (n, b, op)."
        ),
        "grid_two_attendance": (
            "Cell “{value}” has two attendance marks: keep one («н», «б» or «оп»)."
        ),
        "period_mark_not_cleared": (
            "A period mark cannot be erased: correct it instead (2, 3, 4, 5, «осв» or «н/а»)."
        ),
    },
}


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for `key` in `language`, falling back to Russian."""
    table = MESSAGES.get(language, MESSAGES[DEFAULT_LANGUAGE])
    template = table.get(key) or MESSAGES[DEFAULT_LANGUAGE][key]
    return template.format(**params)
