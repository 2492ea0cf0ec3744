"""What a worker loads: nothing for a service it is not configured for.

Every module a worker imports stays resident for the process's life, and a school's
server runs a worker or more beside the web app and the bot: a module that a worker
never uses is memory it holds for nothing (bench/README.md, "Worker memory", has the
figures). A fresh interpreter imports what `python -m workers` imports and builds the
channels of a Telegram-only deployment, as `on_startup` does; what it then holds in
`sys.modules` is checked by name.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

# Each is only needed by a service this worker has no settings for.
UNUSED = {
    "notifier.email": "the email channel (no ZVONOK_SMTP_HOST)",
    "aiosmtplib": "the email channel's SMTP client",
    "notifier.sms": "the SMS channel (no ZVONOK_SMS_PROVIDER)",
    "notifier.sms_providers": "the SMS gateways' clients",
    "notifier.max": "the MAX channel (no MAX bot)",
    "notifier.max_api": "the MAX Bot API client",
    "asn1crypto": "the archive's signatures (no ZVONOK_ARCHIVE_SIGNING_P12)",
    "core.services.roster_import": "reading and planning uploaded roster files (web only)",
}

SCRIPT = """
import asyncio, json, sys
from redis.asyncio import Redis
from core.settings import Settings
import workers.__main__
import workers.main
from notifier.channels import build_channels, close_channels

async def main():
    settings = Settings(_env_file=None, data_dir=sys.argv[1], telegram_token="123456:ABC")
    redis = Redis()  # never connected: building a channel does not talk to Redis
    channels = build_channels(settings, redis)
    try:
        print(json.dumps({"channels": sorted(channels), "modules": sorted(sys.modules)}))
    finally:
        await close_channels(channels)
        await redis.aclose()

asyncio.run(main())
"""


async def _loaded(tmp_path: Path) -> dict[str, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZVONOK_")}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SCRIPT,
        str(tmp_path),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    output, errors = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, errors.decode()
    loaded: dict[str, list[str]] = json.loads(output.decode().splitlines()[-1])
    return loaded


async def test_a_telegram_only_worker_loads_no_other_channel_nor_unused_feature(
    tmp_path: Path,
) -> None:
    loaded = await _loaded(tmp_path)
    assert loaded["channels"] == ["telegram"]
    held = {name: why for name, why in UNUSED.items() if name in loaded["modules"]}
    assert not held, f"a worker holds modules it never uses: {held}"


async def test_a_worker_loads_no_jwt_nor_cryptography(tmp_path: Path) -> None:
    """redis 5.3 imports PyJWT at `import redis`, and PyJWT cryptography's Rust binding:
    9-10 MB in every worker, which uses neither (pyproject.toml pins redis < 5.3; a
    virtualenv installed before the pin needs `pip install -e .` again)."""
    modules = set((await _loaded(tmp_path))["modules"])
    held = {"jwt", "cryptography.hazmat.bindings._rust"} & modules
    assert not held, f"a worker holds {sorted(held)}: is redis >= 5.3 installed?"
