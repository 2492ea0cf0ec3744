"""An SMS gateway emulator speaking SMS.ru (/sms/send, /callback/*) and SMSC.ru
(/sys/send.php).

It checks the API key, records every SMS with the segments the provider would
bill, can fail the way the providers do (invalid number with their real codes,
no money, 5xx), and sends delivery reports back in each provider's callback
format. A control API lives under /_emulator/:

SMS.ru's report handlers are registered over its API (/callback/add, /callback/get,
/callback/del), as the worker does at start-up; SMSC's is set by --smsc-callback (on
the real service, in the account's settings).

    GET  /_emulator/sent[?provider=smsru]   what was accepted
    GET  /_emulator/callbacks               delivery reports sent and their answers
    POST /_emulator/failures  {"failure": "server_error"|"no_money"|null,
                               "invalid_phones": [...], "undelivered_phones": [...]}
    POST /_emulator/config    {"callback_urls": {"smsru": url, "smsc": url},
                               "callback_delay": 0.2}
    POST /_emulator/reset

    python -m notifier.standins.sms_gateway --port 8030
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from notifier.standins.asgi import serve_asgi
from notifier.standins.sms_gateway_state import Failure, GatewayState, Provider

SMSRU_TEXTS = {
    200: "Неправильный api_id",
    201: "Не хватает средств на лицевом счету",
    202: "Неправильно указан номер телефона получателя, либо на него нет маршрута",
    203: "Нет текста сообщения",
    207: "На этот номер (или один из номеров) нельзя отправлять сообщения, "
    "либо указано более 100 номеров в списке получателей",
}
SMSC_TEXTS = {
    1: "parameters error",
    2: "authorise error",
    3: "no money",
    7: "invalid number",
}


async def request_params(request: Request) -> dict[str, str]:
    """Query and urlencoded form fields together: both APIs take GET or POST."""
    params = dict(request.query_params)
    if request.method == "POST":
        body = (await request.body()).decode("utf-8", errors="replace")
        params.update(parse_qsl(body, keep_blank_values=True))
    return params


def gateway_of(request: Request) -> GatewayState:
    return cast(GatewayState, request.app.state.gateway)


def server_error() -> Response:
    return PlainTextResponse("Service Temporarily Unavailable", status_code=503)


# -- SMS.ru -----------------------------------------------------------------------


async def smsru_callbacks(request: Request) -> Response:
    """/callback/get, /callback/add (url), /callback/del (url): the account's report
    handlers, as SMS.ru's API manages them (every report goes to each handler)."""
    gateway = gateway_of(request)
    if gateway.failure == "server_error":
        return server_error()
    params = await request_params(request)
    if params.get("api_id") != gateway.smsru_api_id:
        return smsru_error(params, 200)
    method, url = request.path_params["method"], params.get("url", "")
    handlers = gateway.smsru_handlers
    if method == "add" and url.startswith(("http://", "https://")) and url not in handlers:
        handlers.append(url)
    elif method == "del" and url in handlers:
        handlers.remove(url)
    return JSONResponse({"status": "OK", "status_code": 100, "callback": list(handlers)})


def smsru_answer(params: dict[str, str], body: dict[str, Any]) -> Response:
    if params.get("json") == "1":
        return JSONResponse(body)
    if body["status"] != "OK":  # the plain-text format: the code alone
        return PlainTextResponse(str(body["status_code"]))
    lines = ["100"]
    lines += [sms.get("sms_id", str(sms["status_code"])) for sms in body["sms"].values()]
    return PlainTextResponse("\n".join([*lines, f"balance={body['balance']}"]))


def smsru_error(params: dict[str, str], code: int) -> Response:
    body = {"status": "ERROR", "status_code": code, "status_text": SMSRU_TEXTS[code]}
    return smsru_answer(params, body)


async def smsru_send(request: Request) -> Response:
    gateway = gateway_of(request)
    if gateway.failure == "server_error":
        return server_error()
    params = await request_params(request)
    if params.get("api_id") != gateway.smsru_api_id:
        return smsru_error(params, 200)
    if gateway.failure == "no_money":
        return smsru_error(params, 201)
    text = params.get("msg", "")
    phones = [p.strip() for p in params.get("to", "").split(",") if p.strip()]
    if not text:
        return smsru_error(params, 203)
    if not phones or len(phones) > 100:
        return smsru_error(params, 207)
    answers: dict[str, dict[str, Any]] = {}
    for phone in phones:
        if gateway.is_invalid(phone):
            answers[phone] = {
                "status": "ERROR",
                "status_code": 202,
                "status_text": SMSRU_TEXTS[202],
            }
            continue
        sms = gateway.record("smsru", phone, text, sender=params.get("from"), sms_id=None)
        answers[phone] = {"status": "OK", "status_code": 100, "sms_id": sms.provider_id}
    body = {"status": "OK", "status_code": 100, "sms": answers, "balance": gateway.balance}
    return smsru_answer(params, body)


# -- SMSC.ru ----------------------------------------------------------------------


def smsc_answer(params: dict[str, str], body: dict[str, Any]) -> Response:
    if params.get("fmt") == "3":
        return JSONResponse(body)
    if "error_code" in body:  # fmt=0, the default
        return PlainTextResponse(f"ERROR = {body['error_code']} ({body['error']})")
    return PlainTextResponse(f"OK - {body['cnt']} SMS, ID - {body['id']}")


def smsc_error(params: dict[str, str], code: int, sms_id: str | None = None) -> Response:
    body: dict[str, Any] = {"error": SMSC_TEXTS[code], "error_code": code}
    if sms_id is not None:  # errors 3, 6, 7, 8 name the message
        body["id"] = int(sms_id)
    return smsc_answer(params, body)


def smsc_authorised(gateway: GatewayState, params: dict[str, str]) -> bool:
    if "apikey" in params:
        return params["apikey"] == gateway.smsc_apikey
    return (params.get("login"), params.get("psw")) == (gateway.smsc_login, gateway.smsc_password)


async def smsc_send(request: Request) -> Response:
    gateway = gateway_of(request)
    if gateway.failure == "server_error":
        return server_error()
    params = await request_params(request)
    sms_id = params.get("id") if params.get("id", "").isdigit() else None
    if not smsc_authorised(gateway, params):
        return smsc_error(params, 2)
    if gateway.failure == "no_money":
        return smsc_error(params, 3, sms_id)
    text = params.get("mes", "")
    phones = [p.strip() for p in params.get("phones", "").replace(";", ",").split(",")]
    phones = [p for p in phones if p]
    if not text or not phones:
        return smsc_error(params, 1)
    if any(gateway.is_invalid(phone) for phone in phones):
        return smsc_error(params, 7, sms_id)
    records = [
        gateway.record("smsc", phone, text, sender=params.get("sender"), sms_id=sms_id)
        for phone in phones
    ]
    # Several phones share one id at SMSC (id + phone name a message).
    for sms in records[1:]:
        sms.provider_id = records[0].provider_id
    cnt = sum(sms.segments for sms in records)
    return smsc_answer(params, {"id": int(records[0].provider_id), "cnt": cnt})


# -- control API ------------------------------------------------------------------


async def control_sent(request: Request) -> Response:
    provider = request.query_params.get("provider")
    sent = [s.to_json() for s in gateway_of(request).sent if provider in (None, s.provider)]
    return JSONResponse({"sent": sent})


async def control_callbacks(request: Request) -> Response:
    attempts = [vars(attempt) for attempt in gateway_of(request).callbacks]
    return JSONResponse({"callbacks": attempts})


async def control_failures(request: Request) -> Response:
    gateway, body = gateway_of(request), await request.json()
    if "failure" in body:
        gateway.failure = cast(Failure | None, body["failure"])
    if "invalid_phones" in body:
        gateway.invalid_phones = {p.removeprefix("+") for p in body["invalid_phones"]}
    if "undelivered_phones" in body:
        gateway.undelivered_phones = {p.removeprefix("+") for p in body["undelivered_phones"]}
    return JSONResponse({"ok": True})


async def control_config(request: Request) -> Response:
    gateway, body = gateway_of(request), await request.json()
    if "callback_urls" in body:
        gateway.callback_urls = cast(dict[Provider, str], dict(body["callback_urls"]))
    if "callback_delay" in body:
        gateway.callback_delay = float(body["callback_delay"])
    return JSONResponse({"ok": True})


async def control_reset(request: Request) -> Response:
    gateway_of(request).reset()
    return JSONResponse({"ok": True})


def create_app(gateway: GatewayState) -> Starlette:
    app = Starlette(
        routes=[
            Route("/sms/send", smsru_send, methods=["GET", "POST"]),
            Route("/callback/{method:str}", smsru_callbacks, methods=["GET", "POST"]),
            Route("/sys/send.php", smsc_send, methods=["GET", "POST"]),
            Route("/_emulator/sent", control_sent, methods=["GET"]),
            Route("/_emulator/callbacks", control_callbacks, methods=["GET"]),
            Route("/_emulator/failures", control_failures, methods=["POST"]),
            Route("/_emulator/config", control_config, methods=["POST"]),
            Route("/_emulator/reset", control_reset, methods=["POST"]),
        ]
    )
    app.state.gateway = gateway
    return app


@dataclass(frozen=True)
class RunningGateway:
    url: str  # base URL for both providers' clients
    state: GatewayState  # for in-process assertions and knobs


@asynccontextmanager
async def run_sms_gateway(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    smsru_api_id: str = "emulator-api-id",
    smsc_login: str = "emulator",
    smsc_password: str = "emulator-password",  # noqa: S107  (the emulator's own, not a secret)
    smsc_apikey: str = "emulator-apikey",
    callback_delay: float = 0.2,
    callback_urls: dict[Provider, str] | None = None,
) -> AsyncIterator[RunningGateway]:
    """Serve the emulator on this event loop; port 0 picks a free port."""
    state = GatewayState(
        smsru_api_id=smsru_api_id,
        smsc_login=smsc_login,
        smsc_password=smsc_password,
        smsc_apikey=smsc_apikey,
        callback_delay=callback_delay,
        callback_urls=callback_urls,
    )
    async with serve_asgi(create_app(state), host, port) as bound_port:
        try:
            yield RunningGateway(f"http://{host}:{bound_port}", state)
        finally:
            await state.close()


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Zvonok's SMS.ru / SMSC.ru emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8030)
    parser.add_argument("--smsru-api-id", default="emulator-api-id")
    parser.add_argument("--smsc-login", default="emulator")
    parser.add_argument("--smsc-password", default="emulator-password")
    parser.add_argument("--smsc-apikey", default="emulator-apikey")
    parser.add_argument("--smsru-callback", help="URL for SMS.ru delivery reports")
    parser.add_argument("--smsc-callback", help="URL for SMSC.ru delivery reports")
    parser.add_argument("--callback-delay", type=float, default=1.0)
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    urls: dict[Provider, str] = {}
    if args.smsru_callback:
        urls["smsru"] = args.smsru_callback
    if args.smsc_callback:
        urls["smsc"] = args.smsc_callback
    async with run_sms_gateway(
        host=args.host,
        port=args.port,
        smsru_api_id=args.smsru_api_id,
        smsc_login=args.smsc_login,
        smsc_password=args.smsc_password,
        smsc_apikey=args.smsc_apikey,
        callback_delay=args.callback_delay,
        callback_urls=urls,
    ) as gateway:
        print(f"SMS gateway emulator on {gateway.url} (SMS.ru and SMSC.ru)", flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> None:
    with suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
