"""What the set-up pages share: one way to submit a form to core and show its answer.

A change goes to one core service. When core accepts it, the browser is sent back to
the page (303, `?saved=1`); when core refuses, the page is shown again with core's
message at the form that was sent and with what was typed still in it (each form
names itself in a hidden `_form` field), so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from core.errors import ZvonokError
from core.validation import is_row_id
from webapp.auth import Viewer
from webapp.errors import status_for
from webapp.render import render


class Page(Protocol):
    async def __call__(
        self,
        request: Request,
        viewer: Viewer,
        *,
        error: str | None = ...,
        form: Mapping[str, Any] | None = ...,
        status_code: int = ...,
    ) -> Response: ...


async def submit(
    request: Request,
    viewer: Viewer,
    page: Page,
    change: Callable[[], Awaitable[object]],
    back: str,
) -> Response:
    """Run `change` (one core call); back to `back`, or `page` again with the error."""
    try:
        await change()
    except ZvonokError as error:
        sent = await request.form()
        form: dict[str, Any] = {key: sent.get(key) for key in sent}
        form.update({f"{key}[]": sent.getlist(key) for key in sent})
        return await page(
            request,
            viewer,
            error=error.message(viewer.lang),
            form=form,
            status_code=status_for(error),
        )
    glue = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{glue}saved=1", status_code=303)


def render_admin(
    request: Request,
    viewer: Viewer,
    template: str,
    *,
    tab: str,
    error: str | None,
    form: Mapping[str, Any] | None,
    status_code: int,
    can_edit: bool,
    **context: Any,
) -> Response:
    """A set-up page: the tabs, the flash message, and the refill of the sent form."""
    sent = dict(form or {})

    def value(form_id: str, field: str, default: object = "") -> object:
        """What the form `form_id` showed in `field`: what was sent, else `default`."""
        if sent.get("_form") == form_id and field in sent:
            return sent[field]
        return default

    return render(
        request,
        template,
        viewer=viewer,
        status_code=status_code,
        tab=tab,
        error=error,
        error_form=sent.get("_form") if error else None,
        saved=request.query_params.get("saved") == "1" and not error,
        can_edit=can_edit,
        value=value,
        **context,
    )


def optional_id(text: str | None) -> int | None:
    """A chosen row id from a select ("" for none); a non-number, or one no row can
    have, is no row (core: 404)."""
    if text is None or not text.strip():
        return None
    number = int(text) if text.strip().isdigit() else 0
    return number if is_row_id(number) else 0


def required_id(text: str | None) -> int:
    return optional_id(text) or 0


def whole_number(text: str | None) -> int | None:
    """A typed number, or None; core refuses what is not a valid one with its own words."""
    value = (text or "").strip()
    if value.lstrip("-").isdigit():
        return int(value)
    return None
