"""Class and school announcements through the core service."""

from __future__ import annotations

import pytest

from core.db import Database
from core.errors import Forbidden, NotFound, RuleViolation
from core.models import Announcement
from core.services.announcements import post_announcement
from tests.builders import World, build_world, uow_at
from tests.integration.outbox_helpers import audit_trail, outbox, unchanged


async def _post(
    db: Database,
    w: World,
    who: str,
    klass: str | None,
    *,
    title: str = "Родительское собрание",
    body: str = "Собрание в четверг в 18:00, кабинет 21.",
    urgent: bool = False,
    monthly: bool = False,
) -> Announcement:
    return await post_announcement(
        uow_at(db),
        actor=w.actor(who),
        class_id=w.classes[klass] if klass else None,
        title=title,
        body=body,
        urgent=urgent,
        monthly=monthly,
    )


async def test_class_teacher_posts_the_monthly_message(db: Database) -> None:
    w = await build_world(db)
    posted = await _post(
        db,
        w,
        "russian",
        "7Б",
        title=" Итоги ноября ",
        body="Класс хорошо закончил месяц.",
        monthly=True,
    )

    assert (posted.title, posted.monthly, posted.class_id) == (
        "Итоги ноября",
        True,
        w.classes["7Б"],
    )
    [event] = await outbox(db)
    assert event.kind == "announcement_posted"
    assert event.payload == {
        "school_id": w.school_id,
        "announcement_id": posted.id,
        "class_id": w.classes["7Б"],
        "class_name": "7Б",
        "title": "Итоги ноября",
        "body": "Класс хорошо закончил месяц.",
        "urgent": False,
        "monthly": True,
        "author_id": w.staff["russian"],
    }
    trail = await audit_trail(db, "announcement", posted.id or 0)
    assert [(a.action, a.actor_id) for a in trail] == [("create", w.staff["russian"])]


@pytest.mark.parametrize("who", ["deputy", "admin"])
async def test_administration_posts_to_the_whole_school_and_any_class(
    db: Database, who: str
) -> None:
    w = await build_world(db)
    await _post(db, w, who, None, title="Карантин", body="Занятия отменены до 30.11.", urgent=True)
    await _post(db, w, who, "10А")
    events = [(e.payload["class_name"], e.payload["urgent"]) for e in await outbox(db)]
    assert events == [(None, True), ("10А", False)]


@pytest.mark.parametrize(
    ("who", "klass", "message"),
    [
        ("russian", "10А", "Объявления для 10А размещает классный руководитель"),
        ("math", "7Б", "Объявления для 7Б размещает классный руководитель"),
        ("russian", None, "Объявление для всей школы может разместить только администрация"),
        ("secretary", None, "Объявление для всей школы может разместить только администрация"),
    ],
)
async def test_others_cannot_post(db: Database, who: str, klass: str | None, message: str) -> None:
    w = await build_world(db)
    async with unchanged(db, Announcement):
        with pytest.raises(Forbidden, match=message):
            await _post(db, w, who, klass)


async def test_another_schools_administrator_cannot_post_to_our_class(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Announcement):
        with pytest.raises(NotFound):
            await _post(db, w, "stranger", "7Б")


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [
        ("  ", "Текст", "Заголовок не может быть пустым."),
        ("Собрание", " \n ", "Текст не может быть пустым."),
    ],
)
async def test_empty_title_or_body_is_refused(
    db: Database, title: str, body: str, message: str
) -> None:
    w = await build_world(db)
    async with unchanged(db, Announcement):
        with pytest.raises(RuleViolation) as err:
            await _post(db, w, "russian", "7Б", title=title, body=body)
    assert str(err.value) == message


async def test_monthly_message_goes_to_a_class(db: Database) -> None:
    w = await build_world(db)
    async with unchanged(db, Announcement):
        with pytest.raises(RuleViolation, match="Ежемесячное сообщение родителям пишется классу"):
            await _post(db, w, "deputy", None, monthly=True)
