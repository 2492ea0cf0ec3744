"""The bot process: one dialogue, served on every messenger that has a token.

`run_bots` builds what every turn needs once (`Deps`: settings, the database, Redis,
the notifier's channels) and the dialogue (`bots.handlers.build_dialogue`), then runs
the Telegram bots (`bots.telegram.app`) and the MAX bots (`bots.max.app`) side by side:
the deployment's own and every school's (`core.bot_registry`, ZVONOK_BOTS_FILE). A
messenger's bots run when one has a token and the messenger is not switched off
(ZVONOK_TELEGRAM_BOT / ZVONOK_MAX_BOT); with none, the process waits and does nothing.
"""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio import Redis

from bots.dialog.turn import Deps
from bots.handlers import build_dialogue
from bots.lifecycle import stop_on_signals
from core.health import check_database
from core.probes import Check, ProbeServer
from core.settings import Settings
from notifier.channels import build_channels, close_channels

log = logging.getLogger(__name__)


async def run_bots(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Until `stop` is set (by SIGINT or SIGTERM when not given)."""
    stop = stop or stop_on_signals()
    db = settings.database()
    redis = Redis.from_url(settings.require_redis_url())
    channels = build_channels(settings, redis)
    deps = Deps(settings=settings, db=db, redis=redis, channels=channels)
    dialogue = build_dialogue()
    checks: dict[str, Check] = {"database": lambda: check_database(db), "redis": redis.ping}
    probes = ProbeServer("bots", checks, settings.metrics_token)
    await probes.start(settings.metrics_host, settings.bot_metrics_port)
    bots = []
    try:
        telegram = settings.telegram_token is not None or settings.school_bots("telegram")
        if telegram and settings.telegram_bot:
            from bots.telegram.app import run_telegram

            bots.append(run_telegram(deps, dialogue, stop))
        max_ = settings.max_token is not None or settings.school_bots("max")
        if max_ and settings.max_bot:
            from bots.max.app import run_max

            bots.append(run_max(deps, dialogue, stop))
        if not bots:
            log.info("no messenger token (ZVONOK_TELEGRAM_TOKEN, ZVONOK_MAX_TOKEN): waiting")
            await stop.wait()
            return
        await asyncio.gather(*bots)
    finally:
        await probes.stop()
        await close_channels(channels)
        await redis.aclose()
        await db.dispose()
        log.info("bot stopped")
