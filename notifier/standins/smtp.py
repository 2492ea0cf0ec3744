"""A real SMTP server (aiosmtpd) standing in for the school's mail relay.

It keeps every message it accepts in memory and, when given a directory, as
`.eml` files there so people running `zvonok run` can open what families would
get. It can require AUTH (LOGIN/PLAIN), offer STARTTLS or implicit TLS with a
self-signed certificate made at start, refuse chosen recipients with 550, and be
stopped and started again on the same port to play an outage.

    python -m notifier.standins.smtp --port 8025 --dir var/mail
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import logging
import ssl
import tempfile
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from notifier.standins.tls import make_self_signed, server_context

log = logging.getLogger("zvonok.standins.smtp")

TlsMode = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class ReceivedMessage:
    """One accepted message, exactly as it came over the wire."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    user: str | None  # the AUTH login used, if any
    path: Path | None  # the .eml copy, if the stand-in has a directory

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.raw)


class SmtpStandin:
    """The server and what it received; also its own aiosmtpd handler."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        directory: Path | None = None,
        user: str | None = None,
        password: str | None = None,
        tls: TlsMode = "none",
        reject: Iterable[str] = (),
    ) -> None:
        if (user is None) != (password is None):
            raise ValueError("give both user and password, or neither")
        self.host = host
        self.directory = directory
        self.tls: TlsMode = tls
        self.messages: list[ReceivedMessage] = []
        self.connections = 0  # TCP connections accepted since creation (pool tests count them)
        self._port = port
        self._user = user
        self._password = password
        self._rejected = {address.lower() for address in reject}
        self._server: asyncio.Server | None = None
        # Live sessions: stop() must drop them too, or an "outage" would leave
        # pooled client connections working.
        self._sessions: weakref.WeakSet[SMTP] = weakref.WeakSet()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.cert_path: Path | None = None
        self._tls_context = self._make_tls_context() if tls != "none" else None

    @property
    def port(self) -> int:
        return self._port

    @property
    def running(self) -> bool:
        return self._server is not None

    def reject(self, address: str) -> None:
        """Answer RCPT TO for `address` with 550 from now on."""
        self._rejected.add(address.lower())

    def accept(self, address: str) -> None:
        self._rejected.discard(address.lower())

    async def start(self) -> None:
        """Listen (again) on the same port: the first start fixes the port."""
        if self._server is not None:
            return
        loop = asyncio.get_running_loop()
        implicit_tls = self._tls_context if self.tls == "ssl" else None
        self._server = await loop.create_server(
            self._new_session, self.host, self._port, ssl=implicit_tls
        )
        self._port = int(self._server.sockets[0].getsockname()[1])
        log.info("SMTP stand-in listening on %s:%s (tls=%s)", self.host, self._port, self.tls)

    async def stop(self) -> None:
        """Go down like a crashed relay: refuse new connections, cut open ones."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for session in list(self._sessions):
            if session.transport is not None:
                session.transport.close()
        await server.wait_closed()

    async def close(self) -> None:
        await self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _make_tls_context(self) -> ssl.SSLContext:
        if self.directory is not None:
            cert_dir = self.directory / "tls"
        else:
            self._tmp = tempfile.TemporaryDirectory(prefix="zvonok-smtp-")
            cert_dir = Path(self._tmp.name)
        self.cert_path, key_path = make_self_signed(cert_dir)
        return server_context(self.cert_path, key_path)

    def _new_session(self) -> SMTP:
        self.connections += 1
        session = SMTP(
            self,
            hostname="smtp.standin.local",
            ident="Zvonok SMTP stand-in",
            enable_SMTPUTF8=True,
            tls_context=self._tls_context if self.tls == "starttls" else None,
            # aiosmtpd only knows about TLS it negotiated itself (STARTTLS); with
            # implicit TLS the socket is already encrypted, so don't ask again.
            auth_require_tls=self.tls == "starttls",
            authenticator=self._authenticate if self._user is not None else None,
        )
        self._sessions.add(session)
        return session

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword) or self._user is None:
            return AuthResult(success=False, handled=False)
        assert self._password is not None
        login_ok = hmac.compare_digest(auth_data.login, self._user.encode())
        password_ok = hmac.compare_digest(auth_data.password, self._password.encode())
        return AuthResult(success=login_ok and password_ok, handled=False, auth_data=auth_data)

    # aiosmtpd handler hooks ---------------------------------------------------

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        # Checked here rather than with aiosmtpd's auth_required, which would
        # also refuse to run without TLS; the stand-in allows AUTH over plain TCP.
        if self._user is not None and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower() in self._rejected:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        path = await asyncio.to_thread(self._write_eml, raw) if self.directory else None
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        self.messages.append(
            ReceivedMessage(
                mail_from=envelope.mail_from or "",
                rcpt_tos=tuple(envelope.rcpt_tos),
                raw=raw,
                user=login.decode() if login is not None else None,
                path=path,
            )
        )
        return "250 2.0.0 Message accepted for delivery"

    def _write_eml(self, raw: bytes) -> Path:
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        path = self.directory / name
        path.write_bytes(raw)
        return path


@asynccontextmanager
async def run_smtp_standin(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    directory: Path | None = None,
    user: str | None = None,
    password: str | None = None,
    tls: TlsMode = "none",
    reject: Iterable[str] = (),
) -> AsyncIterator[SmtpStandin]:
    """An SMTP stand-in in this event loop, on a free port unless one is given."""
    standin = SmtpStandin(
        host=host,
        port=port,
        directory=directory,
        user=user,
        password=password,
        tls=tls,
        reject=reject,
    )
    await standin.start()
    try:
        yield standin
    finally:
        await standin.close()


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Zvonok's local SMTP stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"), help="where .eml files go")
    parser.add_argument("--user", help="require AUTH with this login")
    parser.add_argument("--password", help="password for --user")
    parser.add_argument("--tls", choices=["none", "starttls", "ssl"], default="none")
    parser.add_argument("--reject", action="append", default=[], help="answer 550 for it")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    async with run_smtp_standin(
        host=args.host,
        port=args.port,
        directory=args.dir,
        user=args.user,
        password=args.password,
        tls=args.tls,
        reject=args.reject,
    ) as standin:
        print(f"SMTP stand-in on {standin.host}:{standin.port}, mail in {args.dir}", flush=True)
        if standin.cert_path is not None:
            print(f"TLS certificate: {standin.cert_path}", flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    with suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
