"""Texts of the class teacher's pages (webapp/pages/homeroom.py, announcements.py,
printouts.py), merged into webapp.texts.TEXTS. Keys start with `hr_`, so they never
clash with another area's."""

from __future__ import annotations

from core.texts import Catalog

HOMEROOM = Catalog(
    {
        "nav_homeroom": ("Классное руководство", "Class teacher"),
        # The list of classes
        "hr_classes_title": ("Классное руководство", "Class teacher"),
        "hr_no_classes": (
            "Вы не классный руководитель ни одного класса этого учебного года.",
            "You are not the class teacher of any class this school year.",
        ),
        "hr_col_class": ("Класс", "Class"),
        "hr_col_class_teacher": ("Классный руководитель", "Class teacher"),
        "hr_col_monthly": ("Письмо родителям за месяц", "This month's message"),
        "hr_school_announcements": (
            "Объявления для всей школы",
            "Announcements to the whole school",
        ),
        # The monthly message
        "hr_monthly_due": (
            "Письмо родителям за {month} ещё не отправлено.",
            "This month's message to parents ({month}) has not been sent yet.",
        ),
        "hr_monthly_sent": (
            "Письмо родителям за {month} отправлено {date}.",
            "This month's message to parents ({month}) was sent on {date}.",
        ),
        "hr_monthly_due_short": ("не отправлено", "not sent yet"),
        "hr_monthly_sent_short": ("отправлено {date}", "sent on {date}"),
        # The class page
        "hr_class_title": ("{klass}: родители и объявления", "{klass}: parents and announcements"),
        "hr_section_announcements": ("Объявления", "Announcements"),
        "hr_section_parents": ("Родители", "Parents"),
        "hr_section_invites": ("Коды приглашения в бот", "Invite codes for the bot"),
        "hr_section_weekly": ("Итоги недели на бумаге", "The week's summary on paper"),
        "hr_title": ("Заголовок", "Title"),
        "hr_body": ("Текст", "Text"),
        "hr_urgent": (
            "Срочное (придёт и в тихие часы)",
            "Urgent (delivered during quiet hours too)",
        ),
        "hr_monthly": ("Это письмо родителям за месяц", "This is the monthly message to parents"),
        "hr_send": ("Отправить родителям", "Send to parents"),
        "hr_no_announcements": ("Объявлений пока нет.", "No announcements yet."),
        "hr_col_when": ("Когда", "When"),
        "hr_col_title": ("Объявление", "Announcement"),
        "hr_col_delivery": ("Доставка", "Delivery"),
        "hr_col_ack": ("Ознакомлены", "Acknowledged"),
        "hr_badge_urgent": ("срочное", "urgent"),
        "hr_badge_monthly": ("письмо за месяц", "monthly message"),
        "hr_summary_counts": (
            "доставлено {sent}, в пути {pending}, не доставлено {failed}",
            "delivered {sent}, on the way {pending}, not delivered {failed}",
        ),
        "hr_summary_queued": ("ставится в очередь", "being queued"),
        "hr_acks": ("{count} из {total}", "{count} of {total}"),
        "hr_col_student": ("Ученик", "Student"),
        "hr_col_guardian": ("Родитель", "Parent"),
        "hr_col_reach": ("Связь", "Reached by"),
        "hr_col_paper": ("Итоги на бумаге", "Summary on paper"),
        "hr_no_guardians": ("родители не указаны", "no parents recorded"),
        "hr_subscribed": ("в боте", "in the bot"),
        "hr_paper_yes": ("да", "yes"),
        "hr_paper_no": ("нет", "no"),
        "hr_paper_set": ("отметить", "mark"),
        "hr_paper_unset": ("снять", "unmark"),
        "hr_no_students": ("В классе нет учеников.", "The class has no students."),
        # Invite codes
        "hr_invites_intro": (
            "Лист A4 с отрезными талонами: на каждом имя ученика и родителя, код, срок его "
            "действия и QR-код ссылки на бот @{bot}.",
            "An A4 sheet of cut-out slips: each with the student's and the parent's names, "
            "the code, its expiry and a QR code of the link to the bot @{bot}.",
        ),
        "hr_invites_warning": (
            "Для каждого родителя на листе будет выдан новый код. Прежние неиспользованные "
            "коды этих родителей перестанут действовать: раздайте новый лист.",
            "A new code is issued for each parent on the sheet. Their earlier unused codes "
            "stop working: hand out the new sheet.",
        ),
        "hr_invites_all": ("всем родителям класса", "every parent of the class"),
        "hr_invites_unsubscribed": (
            "только тем, кто ещё не подключён к боту ({count})",
            "only those not yet in the bot ({count})",
        ),
        "hr_invites_make": (
            "Выдать коды и открыть лист (PDF)",
            "Issue codes and open the sheet (PDF)",
        ),
        # The weekly summary
        "hr_weekly_intro": (
            "A4, по странице на ученика, со строкой для подписи родителя.",
            "A4, a page per student, with a line for the parent's signature.",
        ),
        "hr_week": ("Неделя, начиная с", "The week of"),
        "hr_weekly_all": ("весь класс", "the whole class"),
        "hr_weekly_paper": (
            "только те, чьи родители просили бумагу ({count})",
            "only those whose parents asked for paper ({count})",
        ),
        "hr_weekly_one": ("один ученик:", "one student:"),
        "hr_weekly_print": ("Открыть PDF", "Open the PDF"),
        # School-wide announcements
        "hr_school_title": ("Объявления для всей школы", "Announcements to the whole school"),
        "hr_families": ("Семей: {count}.", "Families: {count}."),
        # One announcement's status
        "hr_to_class": ("Для родителей {klass}", "To the parents of {klass}"),
        "hr_to_school": ("Для всей школы", "To the whole school"),
        "hr_posted": ("{author}, {date}", "{author}, {date}"),
        "hr_back_to_class": ("← к классу", "← back to the class"),
        "hr_back_to_school": ("← к объявлениям школы", "← back to the school's announcements"),
        "hr_state_all": ("все", "all"),
        "hr_state_delivered": ("доставлено", "delivered"),
        "hr_state_pending": ("в пути", "on the way"),
        "hr_state_failed": ("не доставлено", "not delivered"),
        "hr_state_unreachable": ("недоступны", "unreachable"),
        "hr_state_acknowledged": ("ознакомлены", "acknowledged"),
        "hr_col_children": ("Дети", "Children"),
        "hr_col_status": ("Статус", "Status"),
        "hr_col_details": ("Подробности", "Details"),
        "hr_refreshing": (
            "Страница обновляется сама, пока есть сообщения в пути.",
            "This page refreshes itself while messages are on the way.",
        ),
        "hr_delivered_by": ("доставлено: {channel}", "delivered: {channel}"),
        "hr_pending": ("в пути", "on the way"),
        "hr_pending_queued": ("ставится в очередь", "being queued"),
        "hr_pending_due": ("отправка в {time}", "to be sent at {time}"),
        "hr_pending_retry": ("повтор в {time}: {reason}", "retry at {time}: {reason}"),
        "hr_failed": ("не доставлено", "not delivered"),
        "hr_unreachable": ("недоступен", "unreachable"),
        "hr_why_no_consent": (
            "нет согласия на обработку персональных данных",
            "no consent to the processing of personal data",
        ),
        "hr_why_consent_withdrawn": ("согласие отозвано", "consent withdrawn"),
        "hr_why_switched_off": ("отключил(а) объявления", "switched announcements off"),
        "hr_why_no_contact": (
            "нет ни Telegram, ни почты, ни телефона",
            "no Telegram, email or phone",
        ),
        "hr_why_contacts_dead": ("все контакты недоступны", "every contact point is dead"),
        "hr_why_unreachable_then": (
            "был(а) недоступен(на) в момент отправки",
            "could not be reached when it was sent",
        ),
        "hr_attempt": ("{channel}: {status}", "{channel}: {status}"),
        "hr_attempt_sent": ("доставлено", "delivered"),
        "hr_attempt_failed": ("ошибка", "failed"),
        "hr_attempt_pending": ("ожидает", "waiting"),
        "hr_attempt_sending": ("отправляется", "sending"),
        "hr_attempt_cancelled": ("отменено", "cancelled"),
        "hr_ack_at": ("Ознакомлен(а) {date}", "Acknowledged {date}"),
        "hr_none": ("—", "—"),
        "hr_channel_telegram": ("Telegram", "Telegram"),
        "hr_channel_email": ("почта", "email"),
        "hr_channel_sms": ("SMS", "SMS"),
    }
)
