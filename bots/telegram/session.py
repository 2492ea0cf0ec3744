"""aiogram's HTTP session for the bot."""

from __future__ import annotations

from aiogram.client.session.aiohttp import AiohttpSession


class TelegramSession(AiohttpSession):
    """Closing aiogram's session waits a quarter of a second for TLS connections to shut
    down cleanly (aiohttp's advice); an API reached over plain HTTP (a local Bot API
    server, the emulator) has none, so its session closes at once."""

    async def close(self) -> None:
        if self.api.base.startswith("https://"):
            await super().close()
        elif self._session is not None and not self._session.closed:
            await self._session.close()
