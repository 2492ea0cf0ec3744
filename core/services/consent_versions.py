"""The versions of a school's consent text, and each guardian's decisions on them.

Version 1 is the catalog text (`core.consent_texts`), made the first time a school
needs it; the administrator publishes later versions, typed per language, and may
ask every consenting guardian to consent again (the bot asks at their next contact:
`core.reading.reconsent`). Each decision is a `ConsentRecord` with the version, the
language the text was shown in and the SHA-256 of that text, audited like every change.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.actors import StaffActor
from core.consent_texts import default_texts, shown_text, text_sha256
from core.errors import NotFound, RuleViolation
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from core.limits import check_length
from core.models import ConsentRecord, ConsentText, Guardian, Role, School
from core.permissions import load_staff, require_role
from core.uow import UnitOfWork, transactional


async def current_text_in(uow: UnitOfWork, *, school_id: int) -> ConsentText:
    """The school's newest consent text; version 1 from the catalogs when it has none."""
    query = (
        select(ConsentText)
        .where(ConsentText.school_id == school_id)
        .order_by(col(ConsentText.version).desc())
    )
    found = (await uow.session.exec(query.limit(1))).first()
    if found is not None:
        return found
    school = await uow.session.get(School, school_id)
    if school is None:
        raise NotFound(what="school")
    first = ConsentText(
        school_id=school_id, version=1, texts=default_texts(school.name), published_at=uow.now()
    )
    # Two first contacts at once (two redeems) both make version 1: the second waits for
    # the first's commit, fails on the unique (school, version) and reads the winner's.
    try:
        async with uow.session.begin_nested():
            uow.session.add(first)
            await uow.session.flush()
    except IntegrityError:
        return (await uow.session.exec(query.limit(1))).one()
    uow.audit(first, school_id=school_id, action="create", actor_id=None, actor_kind="system")
    return first


current_consent_text = transactional(current_text_in)


async def text_of_version(uow: UnitOfWork, *, school_id: int, version: int) -> ConsentText:
    """A version of the school's text; the current one (version 1 made when missing)
    when the school has no such version."""
    query = select(ConsentText).where(
        ConsentText.school_id == school_id, ConsentText.version == version
    )
    found = (await uow.session.exec(query)).first()
    return found or await current_text_in(uow, school_id=school_id)


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    cleaned = {
        lang: check_length("consent_text", text).strip()
        for lang, text in texts.items()
        if text and text.strip()
    }
    unknown = sorted(set(cleaned) - set(LANGUAGES))
    if unknown:
        raise RuleViolation("bad_language", value=unknown[0], allowed=", ".join(LANGUAGES))
    if DEFAULT_LANGUAGE not in cleaned:
        raise RuleViolation("consent_text_russian_required")
    return cleaned


async def publish_consent_text_in(
    uow: UnitOfWork, *, actor: StaffActor, texts: dict[str, str], requires_reconsent: bool
) -> ConsentText:
    """Publish the next version of the school's consent text (administrators only),
    stored per language as typed; Russian is required (every other language falls
    back to it). With `requires_reconsent`, consenting guardians are asked again."""
    staff = await load_staff(uow, actor)
    require_role(staff, Role.admin)
    cleaned = _clean_texts(texts)
    current = await current_text_in(uow, school_id=staff.school_id)
    published = ConsentText(
        school_id=staff.school_id,
        version=current.version + 1,
        texts=cleaned,
        requires_reconsent=requires_reconsent,
        published_at=uow.now(),
        published_by=staff.id,
    )
    await uow.save(published, action="create", actor_id=staff.id)
    return published


publish_consent_text = transactional(publish_consent_text_in)


async def add_record(
    uow: UnitOfWork,
    guardian: Guardian,
    text: ConsentText,
    *,
    decision: str,
    channel: str,
    actor_kind: str,
    actor_id: int | None,
    language: str | None = None,
) -> ConsentRecord:
    """Keep one decision on `text`, shown in `language` (the guardian's by default) or
    its fallback."""
    language, shown = shown_text(text.texts, language or guardian.language)
    record = ConsentRecord(
        school_id=guardian.school_id,
        guardian_id=guardian.id or 0,
        text_id=text.id or 0,
        version=text.version,
        decision=decision,
        at=uow.now(),
        channel=channel,
        language=language,
        text_sha256=text_sha256(shown),
        actor_kind=actor_kind,
        actor_id=actor_id,
    )
    await uow.save(record, action="create", actor_id=actor_id, actor_kind=actor_kind)
    return record
