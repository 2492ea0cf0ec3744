"""Consent on file: the report by class, the consent text's versions (the
administrator publishes a new one), and a guardian's card for the school's side of a
parent's request: a paper form (consent, withdrawal), the data export, erasure.

Permissions are core's: the class teacher sees their class, the administration every
class; the card and its actions are the administrator's and the secretary's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from core.errors import ZvonokError
from core.i18n import LANGUAGES
from core.reading.consent_report import consent_report, consent_versions
from core.reading.guardian_data import guardian_data
from core.reports.guardian_export import export_json, guardian_export_pdf
from core.services.consent import record_consent, withdraw_consent
from core.services.consent_versions import publish_consent_text
from core.services.personal_data import erase_personal_data, erasure_reports
from webapp.auth import PageViewer
from webapp.pages import page_router
from webapp.params import Id
from webapp.render import render
from webapp.state import reading_uow, uow

router = page_router()
Text = Annotated[str, Form()]  # its length is core's to check (core.limits)


@router.get("/consent")
async def consent_page(request: Request, viewer: PageViewer) -> Response:
    classes = await consent_report(reading_uow(request), actor=viewer.actor)
    try:
        versions = await consent_versions(reading_uow(request), actor=viewer.actor)
        erasures = await erasure_reports(reading_uow(request), actor=viewer.actor)
    except ZvonokError:  # a class teacher: their classes only
        versions, erasures = [], []
    return render(
        request,
        "consent.html",
        viewer=viewer,
        classes=classes,
        versions=versions,
        erasures=erasures,
        languages=LANGUAGES,
    )


@router.post("/consent/versions")
async def publish(
    request: Request,
    viewer: PageViewer,
    ru: Text = "",
    en: Text = "",
    uz: Text = "",
    tg: Text = "",
    ky: Text = "",
    requires_reconsent: Annotated[bool, Form()] = False,
) -> Response:
    texts = {"ru": ru, "en": en, "uz": uz, "tg": tg, "ky": ky}
    await publish_consent_text(
        uow(request), actor=viewer.actor, texts=texts, requires_reconsent=requires_reconsent
    )
    return RedirectResponse("/consent#versions", status_code=303)


@router.get("/consent/guardian/{guardian_id}")
async def guardian_card(request: Request, viewer: PageViewer, guardian_id: Id) -> Response:
    data = await guardian_data(reading_uow(request), actor=viewer.actor, guardian_id=guardian_id)
    erased = request.query_params.get("erased")
    return render(request, "consent_guardian.html", viewer=viewer, d=data, erased=erased)


@router.post("/consent/guardian/{guardian_id}/paper")
async def paper_form(
    request: Request,
    viewer: PageViewer,
    guardian_id: Id,
    decision: Annotated[str, Form(max_length=10)] = "withdraw",
) -> Response:
    """A paper form entered by the school: consent given, or withdrawn."""
    if decision == "give":
        await record_consent(
            uow(request), actor=viewer.actor, guardian_id=guardian_id, source="paper"
        )
    else:
        await withdraw_consent(
            uow(request), actor=viewer.actor, guardian_id=guardian_id, channel="paper"
        )
    return RedirectResponse(f"/consent/guardian/{guardian_id}", status_code=303)


@router.post("/consent/guardian/{guardian_id}/erase")
async def erase(request: Request, viewer: PageViewer, guardian_id: Id) -> Response:
    report = await erase_personal_data(uow(request), actor=viewer.actor, guardian_id=guardian_id)
    target = f"/consent/guardian/{guardian_id}?erased={report.erasure_id}"
    return RedirectResponse(target, status_code=303)


@router.get("/consent/guardian/{guardian_id}/export.json")
async def export_as_json(request: Request, viewer: PageViewer, guardian_id: Id) -> Response:
    data = await guardian_data(reading_uow(request), actor=viewer.actor, guardian_id=guardian_id)
    name = f"guardian-{guardian_id}.json"
    return Response(
        export_json(data),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/consent/guardian/{guardian_id}/export.pdf")
async def export_as_pdf(request: Request, viewer: PageViewer, guardian_id: Id) -> Response:
    pdf = await guardian_export_pdf(
        reading_uow(request), actor=viewer.actor, guardian_id=guardian_id, language=viewer.lang
    )
    name = f"guardian-{guardian_id}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
