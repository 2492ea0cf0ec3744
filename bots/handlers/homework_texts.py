"""What /hw says to a teacher, in Russian and English."""

from __future__ import annotations

from bots.i18n import Catalog

T = Catalog(
    {
        "not_teacher": (
            "Команда /hw — для учителей, подключённых к боту по коду приглашения школы.",
            "The /hw command is for teachers linked to the bot with their school's invite code.",
        ),
        "pick": (
            "Домашнее задание: выберите класс и предмет.",
            "Homework: choose the class and subject.",
        ),
        "pick_down": (
            "⚠️ Электронный журнал сейчас недоступен. Задание будет сразу разослано родителям "
            "и внесено в журнал, когда он заработает.\n\nВыберите класс и предмет.",
            "⚠️ The school journal is unavailable right now. The homework will be sent to the "
            "parents at once and entered in the journal when it is back.\n\n"
            "Choose the class and subject.",
        ),
        "gone": (
            "Этот выбор больше недоступен. Отправьте /hw ещё раз.",
            "This choice is no longer available. Send /hw again.",
        ),
        "type": (
            "{where}, {subject}. Напишите текст домашнего задания одним сообщением "
            "(или /cancel, чтобы отменить).",
            "{where}, {subject}. Type the homework in one message (or /cancel to stop).",
        ),
        "text_only": (
            "Пришлите задание текстом, одним сообщением.",
            "Please send the homework as text, in one message.",
        ),
        "too_long": (
            "Слишком длинный текст: {length} знаков, можно до {limit}. Сократите его.",
            "The text is too long: {length} characters, at most {limit}. Please shorten it.",
        ),
        "preview": (
            "{where}, {subject}:\n\n{text}\n\nОтправить?",
            "{where}, {subject}:\n\n{text}\n\nSend it?",
        ),
        "send": ("Отправить", "Send"),
        "cancel": ("Отмена", "Cancel"),
        "cancelled": ("Отменено: ничего не отправлено.", "Cancelled: nothing was sent."),
        "already_sent": ("Это задание уже отправлено.", "This homework has been sent already."),
        "nothing_to_confirm": (
            "Нечего подтверждать. Чтобы дать задание, отправьте /hw.",
            "Nothing to confirm. Send /hw to give homework.",
        ),
        "set": (
            "✅ Записано в журнал: {where}, {subject}, урок {date} ({slot}-й урок). "
            "Родители получат уведомление по своим настройкам.",
            "✅ Entered in the journal: {where}, {subject}, lesson of {date} (period {slot}). "
            "Parents are notified as they chose.",
        ),
        "broadcast_done": (
            "✅ Журнал недоступен, поэтому задание ({where}, {subject}) разослано напрямую: "
            "его получили семьи — {reached} из {total}.\n\n"
            "Оно сохранено и будет внесено в журнал автоматически, когда журнал заработает; "
            "остальные семьи узнают о нём обычным порядком.",
            "✅ The journal is unavailable, so the homework ({where}, {subject}) was sent "
            "directly: {reached} of {total} families received it.\n\n"
            "It is saved and will be entered in the journal automatically when the journal is "
            "back; the other families will hear of it the usual way.",
        ),
        "broadcast_nobody": (
            "Журнал недоступен, а в {where} пока нет родителей, подписанных на бота: задание "
            "({subject}) никому не отправлено. Оно сохранено и будет внесено в журнал, "
            "когда журнал заработает.",
            "The journal is unavailable and no parent in {where} follows the bot yet: the "
            "homework ({subject}) was not sent to anyone. It is saved and will be entered in "
            "the journal when the journal is back.",
        ),
        "not_in_snapshot": (
            "Журнал недоступен, а в резервном списке школы этого класса и предмета за вами "
            "нет, поэтому разослать задание нельзя. Попробуйте, когда журнал заработает.",
            "The journal is unavailable and the school's backup list does not have this class "
            "and subject for you, so the homework cannot be sent. Try again when the journal "
            "is back.",
        ),
    }
)
