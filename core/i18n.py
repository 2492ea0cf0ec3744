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
    },
}


def translate(key: str, language: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for `key` in `language`, falling back to Russian."""
    table = MESSAGES.get(language, MESSAGES[DEFAULT_LANGUAGE])
    template = table.get(key) or MESSAGES[DEFAULT_LANGUAGE][key]
    return template.format(**params)
