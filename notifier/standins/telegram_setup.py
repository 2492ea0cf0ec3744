"""Bot API methods about the bot itself: identity, updates, webhook and commands."""

from __future__ import annotations

import re
from typing import Any

from notifier.standins.telegram_emulator import TelegramEmulator
from notifier.standins.telegram_errors import bad_request
from notifier.standins.telegram_params import Params
from notifier.standins.telegram_updates import Webhook

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class SetupMethods:
    def __init__(self, emulator: TelegramEmulator) -> None:
        self.emu = emulator

    async def get_me(self, params: Params) -> dict[str, Any]:
        return {
            **self.emu.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        limit = min(max(params.integer("limit") or 100, 1), 100)
        allowed = params.structured("allowed_updates")
        return await self.emu.updates.get_updates(
            params.integer("offset"),
            limit,
            params.number("timeout", 0.0),
            list(allowed) if isinstance(allowed, list) else None,
        )

    async def set_webhook(self, params: Params) -> bool:
        url = params.text("url") or ""
        if not url:  # an empty url removes the webhook, as in the real API
            await self.emu.updates.delete_webhook(drop_pending=params.flag("drop_pending_updates"))
            return True
        # Telegram demands HTTPS; a local emulator has to accept plain HTTP receivers.
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.structured("allowed_updates")
        webhook = Webhook(
            url,
            secret,
            list(allowed) if isinstance(allowed, list) else None,
            params.integer("max_connections") or 40,
        )
        self.emu.updates.set_webhook(webhook, drop_pending=params.flag("drop_pending_updates"))
        return True

    async def delete_webhook(self, params: Params) -> bool:
        await self.emu.updates.delete_webhook(drop_pending=params.flag("drop_pending_updates"))
        return True

    async def get_webhook_info(self, params: Params) -> dict[str, Any]:
        webhook = self.emu.updates.webhook
        info: dict[str, Any] = {
            "url": webhook.url if webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": self.emu.updates.pending_count,
        }
        if webhook is not None:
            info["max_connections"] = webhook.max_connections
            if webhook.allowed_updates is not None:
                info["allowed_updates"] = webhook.allowed_updates
            if webhook.last_error_date is not None:
                info["last_error_date"] = webhook.last_error_date
                info["last_error_message"] = webhook.last_error_message
        return info

    @staticmethod
    def _commands_key(params: Params) -> str:
        scope = params.structured("scope") or {"type": "default"}
        return f"{scope}|{params.text('language_code') or ''}"

    async def set_my_commands(self, params: Params) -> bool:
        commands = params.structured("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.emu.commands[self._commands_key(params)] = commands
        return True

    async def get_my_commands(self, params: Params) -> list[dict[str, Any]]:
        return self.emu.commands.get(self._commands_key(params), [])

    async def delete_my_commands(self, params: Params) -> bool:
        self.emu.commands.pop(self._commands_key(params), None)
        return True
