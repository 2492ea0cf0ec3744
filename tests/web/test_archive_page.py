"""The school archive's page and API: the deputy director makes a period's printouts,
sees each document with its hashes, signature and keep-until date, and downloads it;
the file's SHA-256 is the header's, the chain fingerprint the one printed inside."""

from __future__ import annotations

import asyncio
import hashlib
import re
from pathlib import Path

import pytest

from core.db import Database
from core.reports.signing import check_signature, load_signer, signer_of
from core.settings import SettingsError
from tests.integration.certificates import PASSWORD, make_ca, make_school_p12
from tests.web.browser import Web
from tests.web.conftest import settings, sites
from tests.web.pages import table_rows, text_of
from tests.web.pdfs import pages_text

SHOWN = "23.11.2026, 10:00"


async def test_the_deputy_makes_a_period_s_printouts_and_downloads_them(web: Web) -> None:
    browser = await web.signed_in("deputy")
    page = await browser.get("/archive")
    assert page.status_code == 200
    assert "Архив пуст" in text_of(page.text) and 'href="/archive"' in page.text
    q2 = web.world.periods["2 четверть"]
    made = await browser.submit("/archive/printouts", {"period_id": str(q2)})
    assert made.status_code == 303
    page = await browser.get(made.headers["location"])
    assert "6 документов сформированы и сданы в архив." in text_of(page.text)
    rows = table_rows(page.text)
    links = re.findall(r'href="/archive/documents/(\d+)"', page.text)
    assert len(rows) == len(links) == 6  # 1А, 7Б, 10А: a journal book and a statement each
    [(book, link)] = [
        (r, i) for r, i in zip(rows, links, strict=True) if r[:2] == ["Классный журнал", "7Б"]
    ]
    assert book[2] == "2 четверть, 2026/2027"
    assert book[3] == f"{SHOWN}, Орлова Т.Б."
    assert book[4] == "31.05.2032" and book[5] == "нет"  # 5 years after the year's end; unsigned
    content_hash, file_hash, fingerprint = book[7], book[8], book[9]

    download = await browser.get(f"/archive/documents/{link}")
    pdf = download.content
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-sha256"] == hashlib.sha256(pdf).hexdigest() == file_hash
    assert download.headers["x-document-content-sha256"] == content_hash
    pages = pages_text(pdf)
    assert "КЛАССНЫЙ ЖУРНАЛ" in pages[0] and "Класс 7Б" in pages[0] and "2 четверть" in pages[0]
    assert all(fingerprint in page for page in pages)


async def test_the_api_lists_makes_and_serves_documents(web: Web) -> None:
    token = await web.api_token("admin", name="archive")
    api = web.browser().client
    headers = {"Authorization": f"Bearer {token.secret}"}
    q1 = web.world.periods["1 четверть"]
    made = await api.post(f"/api/v1/archive/periods/{q1}/documents", headers=headers)
    assert made.status_code == 201 and len(made.json()) == 6
    listed = (await api.get("/api/v1/archive/documents", headers=headers)).json()
    assert {d["id"] for d in listed} == set(made.json())
    statement = next(d for d in listed if d["kind"] == "statement" and d["class_name"] == "7Б")
    assert statement["period"] == "1 четверть" and statement["keep_until"] == "2052-05-31"
    assert statement["signed"] is False and statement["chain_seq"] > 0
    got = await api.get(statement["url"], headers=headers)
    assert hashlib.sha256(got.content).hexdigest() == statement["file_sha256"]
    text = " ".join(pages_text(got.content))
    assert "Сводная ведомость итоговых отметок" in text
    assert f"#{statement['chain_seq']} · {statement['chain_hash'][:16]}" in text


async def test_a_teacher_is_refused_and_not_offered_the_archive(web: Web) -> None:
    browser = await web.signed_in("russian")  # the class teacher of 7Б
    assert (await browser.get("/archive")).status_code == 403
    today = await browser.get("/homeroom")
    assert 'href="/archive"' not in today.text


async def test_with_the_school_s_certificate_the_printouts_are_signed(
    sqlite_db: Database, tmp_path: Path
) -> None:
    p12 = make_school_p12(tmp_path / "school.p12", make_ca())
    config = settings(archive_signing_p12=p12, archive_signing_password=PASSWORD)
    async for site in sites(sqlite_db, config):
        browser = await site.signed_in("admin")
        await browser.get("/archive")
        q2 = site.world.periods["2 четверть"]
        made = await browser.submit("/archive/printouts", {"period_id": str(q2)})
        page = await browser.get(made.headers["location"])
        assert {row[5] for row in table_rows(page.text)} == {"да"}
        link = re.findall(r'href="/archive/documents/(\d+)"', page.text)[0]
        pdf = (await browser.get(f"/archive/documents/{link}")).content
        check = await asyncio.to_thread(
            check_signature, pdf, load_signer(p12, PASSWORD).trust_roots
        )
        assert check is not None and check.ok


def test_a_wrong_certificate_password_stops_the_web_app(tmp_path: Path) -> None:
    p12 = make_school_p12(tmp_path / "school.p12", make_ca())
    config = settings(archive_signing_p12=p12, archive_signing_password="wrong")
    with pytest.raises(SettingsError, match="ZVONOK_ARCHIVE_SIGNING_P12"):
        signer_of(config)
