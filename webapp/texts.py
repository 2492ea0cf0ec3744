"""The web app's own texts (layout, sign-in, tokens, Today). Core errors are in core.i18n.

A page module with many texts of its own may keep its own `Catalog` and merge it
into `TEXTS` here (`Catalog.merged` refuses a key defined twice).
"""

from __future__ import annotations

from core.texts import Catalog
from webapp.admin_texts import ADMIN, STATEMENT
from webapp.homeroom_texts import HOMEROOM
from webapp.journal_texts import JOURNAL
from webapp.roster_texts import ROSTER

LAYOUT = Catalog(
    {
        "app_name": ("Звонок", "Zvonok"),
        "app_subtitle": ("электронный журнал", "electronic journal"),
        "nav_home": ("Главная", "Home"),
        "nav_today": ("Сегодня", "Today"),
        "nav_tokens": ("API-токены", "API tokens"),
        "nav_password": ("Пароль", "Password"),
        "logout": ("Выйти", "Sign out"),
        "switch_language": ("English", "Русский"),
        "role_teacher": ("учитель", "teacher"),
        "role_deputy": ("заместитель директора", "deputy director"),
        "role_admin": ("администратор", "administrator"),
        "role_secretary": ("секретарь", "secretary"),
        "error_title": ("Ошибка", "Error"),
        "back_home": ("На главную", "To the start page"),
        "page_not_found": ("Страница не найдена.", "Page not found."),
        "csrf_refused": (
            "Форма устарела или отправлена не с этой страницы. Обновите страницу и повторите.",
            "The form is out of date or was not sent from this site. Reload the page and "
            "try again.",
        ),
        "unauthorized": (
            "Нужен вход: передайте токен в заголовке «Authorization: Bearer <токен>».",
            "Sign-in needed: send a token in the header “Authorization: Bearer <token>”.",
        ),
        "login_required": ("Войдите, чтобы продолжить.", "Please sign in to continue."),
        "invalid_request": ("Запрос заполнен неверно: {detail}", "Invalid request: {detail}"),
        "method_not_allowed": ("Такой запрос здесь не принимается.", "Method not allowed here."),
        "server_error": (
            "Что-то пошло не так. Попробуйте ещё раз; если не получится — сообщите администратору.",
            "Something went wrong. Try again; if it keeps failing, tell the administrator.",
        ),
    }
)

ACCESS = Catalog(
    {
        "login_title": ("Вход в журнал", "Sign in to the journal"),
        "login_field": ("Логин", "Login"),
        "password_field": ("Пароль", "Password"),
        "login_submit": ("Войти", "Sign in"),
        "login_hint": (
            "Логин и пароль выдаёт администратор школы.",
            "Your login and password come from the school administrator.",
        ),
        "password_title": ("Смена пароля", "Change password"),
        "current_password": ("Текущий пароль", "Current password"),
        "new_password": ("Новый пароль", "New password"),
        "repeat_password": ("Новый пароль ещё раз", "New password again"),
        "password_rules": (
            "Не меньше {min} символов, из них не меньше {distinct} разных; не логин "
            "и не из списка самых частых паролей.",
            "At least {min} characters, {distinct} of them different; not the login and "
            "not one of the most common passwords.",
        ),
        "password_submit": ("Сменить пароль", "Change password"),
        "password_changed": (
            "Пароль изменён. Остальные входы под вашей учётной записью завершены.",
            "Password changed. Your account's other sign-ins have been ended.",
        ),
        "passwords_differ": (
            "Новый пароль и его повтор не совпадают.",
            "The new password and its repetition differ.",
        ),
        "tokens_title": ("API-токены", "API tokens"),
        "tokens_intro": (
            "Токен даёт программе доступ к API журнала ({api}) с вашими правами. "
            "Храните его как пароль; ненужный — отзовите.",
            "A token lets a program use the journal's API ({api}) with your rights. "
            "Keep it like a password; revoke one you no longer need.",
        ),
        "token_name": ("Название", "Name"),
        "token_name_hint": ("например, «Выгрузка в 1С»", "e.g. “Export to accounting”"),
        "token_create": ("Создать токен", "Create token"),
        "token_created": (
            "Токен «{name}» создан. Скопируйте его сейчас: больше он показан не будет.",
            "Token “{name}” created. Copy it now: it will not be shown again.",
        ),
        "token_revoke": ("Отозвать", "Revoke"),
        "tokens_none": ("Действующих токенов нет.", "No active tokens."),
        "token_hint": ("Начало", "Starts with"),
        "token_created_at": ("Создан", "Created"),
        "token_last_used": ("Последнее использование", "Last used"),
        "never": ("—", "—"),
    }
)

TODAY = Catalog(
    {
        "home_title": ("Здравствуйте, {name}", "Hello, {name}"),
        "home_sections": ("Разделы:", "Sections:"),
        "today_title": ("Сегодня, {date}", "Today, {date}"),
        "day_title": ("Уроки на {date}", "Lessons on {date}"),
        "prev_day": ("← предыдущий день", "← previous day"),
        "next_day": ("следующий день →", "next day →"),
        "to_today": ("сегодня", "today"),
        "today_none": ("Уроков нет.", "No lessons."),
        "today_holiday": ("{name}: уроков нет.", "{name}: no lessons."),
        "col_slot": ("Урок", "Lesson"),
        "col_time": ("Время", "Time"),
        "col_class": ("Класс", "Class"),
        "col_subject": ("Предмет", "Subject"),
        "col_missing": ("Не заполнено", "Still missing"),
        "missing_topic": ("тема", "topic"),
        "missing_attendance": ("посещаемость", "attendance"),
        "missing_homework": ("домашнее задание", "homework"),
        "all_filled": ("всё заполнено", "all filled in"),
        "open_lesson": ("Открыть урок", "Open lesson"),
        "not_in_journal": (
            "урока нет в журнале",
            "lesson not in the journal yet",
        ),
        "substituting": ("замена за {name}", "substituting for {name}"),
        "substituted_by": ("замена: {name}", "substituted by {name}"),
        "room": ("каб. {room}", "room {room}"),
        "roll_call": ("Все присутствуют", "Everyone present"),
        "summary": (
            "Уроков: {total}, заполнено полностью: {complete}.",
            "Lessons: {total}, fully filled in: {complete}.",
        ),
    }
)

TEXTS = LAYOUT.merged(ACCESS, TODAY, STATEMENT, ADMIN, JOURNAL, HOMEROOM, ROSTER)
