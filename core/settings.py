"""Zvonok's configuration: one class, read from `ZVONOK_*` variables and `.env`.

`Settings` is defined here but instantiated only by process entry points: the
`zvonok` CLI, the web app's lifespan, the worker's start-up and the bot builder.
Core services never read the environment; they receive what they need
(a `Database`, a policy, a clock) as arguments.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.backup.keys import DEV_BACKUP_KEY, is_identity
from core.bot_registry import BotAccount, BotRegistry, BotsFileError, load_bots
from core.db import Database, normalize_url
from core.security import PasswordCost, hook_token, use_password_cost

DEV_SECRET_PLACEHOLDER = "dev-only-insecure-secret-change-me"  # noqa: S105  (refused in production)
MIN_SECRET_LENGTH = 32
# A worker's connections on SQLite kept open, and opened more when busy, and each
# one's page cache in KiB (worker_database); SQLite's own default cache.
WORKER_SQLITE_POOL = 2
WORKER_SQLITE_CACHE_KB = 512
SQLITE_CACHE_KB = 2000
# A random secret has more distinct characters than this (8 or fewer: about one draw in
# 300,000 of 32 hex digits, one in 60,000 of 16 URL-safe characters, and then a second
# draw passes); "aaaa…", "abab…" or "0000…", and any pattern of up to 8 characters
# repeated, have fewer, whatever their length.
MIN_DISTINCT_CHARACTERS = 9
_RANDOM_VALUE_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_MAX_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{5,256}")  # POST /subscriptions' `secret`
_PLACEHOLDERS = {DEV_SECRET_PLACEHOLDER, "", "changeme", "change-me", "secret", "please-change-me"}


class SettingsError(Exception):
    """The configuration is unusable; the message says what to set."""


class Settings(BaseSettings):
    """Every knob of a Zvonok process. Environment names are `ZVONOK_<FIELD>`.

    Defaults give a laptop setup: SQLite under `./var`, a private Redis started
    by `zvonok run`, no Telegram token, no SMTP or SMS gateway.
    """

    model_config = SettingsConfigDict(
        env_prefix="ZVONOK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("./var")
    database_url: str | None = None
    redis_url: str | None = None
    secret_key: SecretStr = SecretStr(DEV_SECRET_PLACEHOLDER)

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    # The bot's @username, for deep links on the printed invite sheet (t.me/<it>?start=…).
    telegram_bot_username: str = Field(
        default="zvonok_demo_bot", pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$"
    )
    # Pacing of Telegram sends (notifier.ratelimit.TelegramRates): messages a second per
    # bot, and how far below that to stay (0.03: intervals 3% longer than the limit's).
    telegram_bot_rate: int = Field(default=30, ge=1)
    # Messages a second to one chat: Telegram allows about one. A test run raises it
    # together with its emulator's limit, so a bot dialogue does not wait a second a reply.
    telegram_chat_rate: int = Field(default=1, ge=1)
    telegram_rate_headroom: float = Field(default=0.03, ge=0, le=1)
    # Telegram's paid broadcasting (allow_paid_broadcast: up to 1,000 messages a second
    # per bot, 0.1 Star a message) for urgent announcements only, within this many Stars
    # a calendar month (UTC) for the whole deployment; 0: never (notifier/paid_broadcast.py).
    telegram_paid_stars_a_month: int = Field(default=0, ge=0)
    telegram_paid_rate: int = Field(default=1000, ge=1, le=1000)
    # Webhook mode (unset: long polling). Telegram POSTs updates to the public URL with
    # the secret in `X-Telegram-Bot-Api-Secret-Token`; the bot's own server listens on
    # host:port at the URL's path, behind the proxy that terminates TLS.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_host: str = "127.0.0.1"
    telegram_webhook_port: int = Field(default=8090, ge=1, le=65535)

    # MAX (docs/max.md). No token: `zvonok run` starts the MAX stand-in. The API's address
    # is a setting because MAX's documentation names three (platform-api2 is current).
    max_token: SecretStr | None = None
    max_api_url: str = "https://platform-api2.max.ru"
    # The bot's nickname, for start links (max.ru/<it>?start=…) on the invite sheet and
    # in the notice of a school leaving Telegram.
    max_bot_username: str = Field(
        default="zvonok_demo_bot", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$"
    )
    # Requests a second to MAX per bot (MAX allows 30, counting every method).
    max_bot_rate: int = Field(default=30, ge=1)
    # Webhook mode (unset: long polling). MAX POSTs updates to this public https:// URL
    # (port 443, a trusted certificate) with the secret in `X-Max-Bot-Api-Secret`.
    max_webhook_url: str | None = None
    max_webhook_secret: SecretStr | None = None
    max_webhook_host: str = "127.0.0.1"
    max_webhook_port: int = Field(default=8091, ge=1, le=65535)
    # Each bot runs when it has a token; these switch one off while its token stays
    # (the delivery channel keeps working).
    telegram_bot: bool = True
    max_bot: bool = True
    # The schools' own bots (core/bot_registry.py): a TOML file of [[telegram]] and
    # [[max]] entries, each with its key, token (or token_file), username and schools.
    bots_file: Path | None = None
    _bots: BotRegistry = PrivateAttr(default_factory=BotRegistry)

    # Database connections each process keeps open, and how many more it may open when
    # busy (core/db.py). PostgreSQL: the processes' sum stays under max_connections.
    db_pool_size: int = Field(default=5, ge=1, le=200)
    db_pool_overflow: int = Field(default=10, ge=0, le=200)
    # SQLite: the page cache of each connection, in KiB. Unset: SQLite's own 2,000, and
    # a worker's 512 (its reads are a few rows by index; the OS caches the file anyway).
    db_sqlite_cache_kb: int | None = Field(default=None, ge=64, le=1_000_000)

    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"
    mail_from: str = "Звонок <noreply@localhost>"

    sms_provider: Literal["smsru", "smsc"] | None = None
    sms_url: str | None = None
    sms_api_key: SecretStr | None = None

    # The worker's clocks, in seconds. A job held by a killed worker is run again
    # by arq `job_timeout + 10` s later; a delivery left `sending` is sent again after
    # `stuck_sending`, which must exceed the job timeout so that a slow but living
    # worker is never overtaken (that would send the message twice).
    worker_sweep_seconds: int = Field(default=5, ge=1, le=60)
    worker_redispatch_seconds: int = Field(default=30, ge=1)
    worker_job_timeout_seconds: int = Field(default=90, ge=5)
    worker_stuck_sending_seconds: int = Field(default=120, ge=1)
    worker_max_jobs: int = Field(default=50, ge=1, le=1000)
    # A worker's liveness key lives this long unless renewed (every second): a killed
    # worker's deliveries are taken over by another this soon (workers/liveness.py).
    worker_alive_seconds: int = Field(default=5, ge=2, le=60)
    # Notifications one batch starts, sends and records together (workers/deliveries.py).
    worker_batch: int = Field(default=100, ge=1, le=1000)
    # A worker's own connection pool (`worker_database`); unset: on SQLite 2 kept open
    # and 2 more when busy (its writes take turns, and each connection is a thread with
    # its own page cache: memory), on PostgreSQL ZVONOK_DB_POOL_SIZE and _OVERFLOW.
    worker_db_pool_size: int | None = Field(default=None, ge=1, le=200)
    worker_db_pool_overflow: int | None = Field(default=None, ge=0, le=200)
    # How often the staff reminders' planner reads every school's journal control (and
    # how far ahead it plans, so a reminder goes at its minute).
    worker_reminder_seconds: int = Field(default=60, ge=1, le=60)
    # When the worker verifies every school's audit chain (`zvonok audit verify`), in
    # the worker machine's local time: at night, when nobody writes the journal.
    audit_verify_hour: int = Field(default=3, ge=0, le=23)
    audit_verify_minute: int = Field(default=15, ge=0, le=59)

    # Prometheus metrics (core/metrics.py, docs/operations.md). The web app serves them
    # at /metrics, behind this bearer token when it is set; a worker and the bot process
    # serve theirs, with /livez and /readyz (core/probes.py), on their own port when it
    # is set (one port per worker process on a host).
    metrics_token: SecretStr | None = None
    metrics_host: str = "127.0.0.1"
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    bot_metrics_port: int | None = Field(default=None, ge=1, le=65535)

    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=1, le=65535)
    # The web app's address as families and outside services reach it (the HTTPS proxy
    # in front of it): emails' unsubscribe links, the SMS gateway's delivery reports.
    # Unset: http://<web_host>:<web_port> (development only, see _check_public_url).
    public_url: str | None = None
    # The largest request body the web app reads (a roster file is at most 5 MB): a
    # bigger one is answered 413 before it is read.
    max_request_bytes: int = Field(default=8 * 1024 * 1024, ge=64 * 1024)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    # "json": one JSON object per line, for a log collector (core/logs.py).
    log_format: Literal["text", "json"] = "text"
    # argon2 parameters for new password hashes (core/security.py): "light" is for test
    # runs only and is refused in production.
    password_hash_cost: PasswordCost = "standard"  # noqa: S105  (a cost, not a password)

    # A personal API token works this many days after it is made (then 401, like an
    # unknown one); its owner makes a new one on the tokens page.
    api_token_ttl_days: int = Field(default=90, ge=1, le=3650)
    # How far back a reported breach may void entries: a mistyped year must not wipe
    # a teacher's whole term (core.services.staff.report_breach).
    breach_lookback_days: int = Field(default=7, ge=1, le=365)
    # The school's certificate for signing its archive's PDFs (PAdES): a PKCS#12 file
    # (.p12/.pfx, the key with its certificate chain) and its password. Unset: the
    # archive's documents are kept unsigned, with their hashes only.
    archive_signing_p12: Path | None = None
    archive_signing_password: SecretStr | None = None

    # Backups (core/backup, docs/operations.md). The key is an age identity
    # (AGE-SECRET-KEY-1…): required outside development. Destinations: directories
    # (a path or file:///…) and S3 buckets (s3://bucket/prefix), comma-separated or a
    # JSON list; none in development: two directories under data_dir/backups.
    backup_key: SecretStr | None = None
    backup_destinations: Annotated[list[str], NoDecode] = Field(default_factory=list)
    backup_s3_endpoint_url: str | None = None
    backup_s3_region: str = "us-east-1"
    backup_s3_access_key_id: str | None = None
    backup_s3_secret_access_key: SecretStr | None = None
    # The worker's nightly backup, HH:MM in the worker's clock (UTC); blank: none.
    backup_time: str | None = "02:30"
    backup_keep_daily: int = Field(default=7, ge=0, le=366)
    backup_keep_weekly: int = Field(default=4, ge=0, le=520)
    backup_keep_monthly: int = Field(default=12, ge=0, le=1200)
    # A destination whose newest good backup is older than this is reported stale.
    backup_max_age_hours: int = Field(default=26, ge=1, le=24 * 30)
    # Where pg_dump and pg_restore are (unset: on PATH); they must be at least the
    # server's major version.
    backup_pg_bin_dir: Path | None = None

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "database_url",
        "redis_url",
        "sms_provider",
        "smtp_host",
        "telegram_webhook_url",
        "telegram_webhook_secret",
        "max_token",
        "max_webhook_url",
        "max_webhook_secret",
        "public_url",
        "backup_key",
        "backup_time",
        "backup_s3_endpoint_url",
        "backup_pg_bin_dir",
        "archive_signing_p12",
        "archive_signing_password",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `ZVONOK_REDIS_URL=` in a .env file means "not set", not "an empty URL".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _normalize_database_url(cls, value: str | None) -> str | None:
        return None if value is None else normalize_url(value)

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("backup_destinations", mode="before")
    @classmethod
    def _split_destinations(cls, value: object) -> object:
        # `a,b` or a JSON list: an IT person writes the first, tools the second.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("backup_time")
    @classmethod
    def _check_backup_time(cls, value: str | None) -> str | None:
        if value is not None and not _HH_MM.fullmatch(value):
            raise ValueError("must be a time like 02:30 (or blank: no nightly backup)")
        return value

    @field_validator("backup_key")
    @classmethod
    def _check_backup_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_identity(value.get_secret_value()):
            raise ValueError(
                "must be an age identity, AGE-SECRET-KEY-1… (make one with `age-keygen` "
                "or `zvonok backup --new-key`)"
            )
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's own rule for setWebhook's secret_token.
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _check_webhook(self) -> Settings:
        _check_webhook_pair(
            "TELEGRAM", self.telegram_webhook_url, self.telegram_webhook_secret, self.env
        )
        return self

    @field_validator("max_webhook_secret")
    @classmethod
    def _check_max_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _MAX_WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 5-256 characters of A-Z, a-z, 0-9, _ and - (MAX's rule)")
        return value

    @model_validator(mode="after")
    def _check_max_webhook(self) -> Settings:
        _check_webhook_pair("MAX", self.max_webhook_url, self.max_webhook_secret, self.env)
        return self

    @model_validator(mode="after")
    def _check_public_url(self) -> Settings:
        if self.public_url is None:
            if self.env == "production" and (self.smtp_host or self.sms_provider):
                raise ValueError(
                    "ZVONOK_PUBLIC_URL must be set (https://…) when email or SMS is: every "
                    "email carries an unsubscribe link to it, and the SMS gateway posts its "
                    "delivery reports there"
                )
            return self
        parts = urlsplit(self.public_url)
        plain_http_ok = self.env == "development" and parts.scheme == "http"
        if (
            not parts.hostname
            or not (parts.scheme == "https" or plain_http_ok)
            or parts.query
            or parts.fragment
        ):
            raise ValueError(
                "ZVONOK_PUBLIC_URL must be the web app's public https:// address, without "
                "a query (http:// only with ZVONOK_ENV=development)"
            )
        self.public_url = self.public_url.rstrip("/")
        return self

    @model_validator(mode="after")
    def _load_bots(self) -> Settings:
        try:
            self._bots = load_bots(self.bots_file)
        except BotsFileError as error:
            raise ValueError(f"ZVONOK_BOTS_FILE: {error}") from None
        return self

    @model_validator(mode="after")
    def _stuck_sending_outlasts_a_job(self) -> Settings:
        if self.worker_stuck_sending_seconds <= self.worker_job_timeout_seconds:
            raise ValueError(
                "ZVONOK_WORKER_STUCK_SENDING_SECONDS must be greater than "
                "ZVONOK_WORKER_JOB_TIMEOUT_SECONDS: a delivery still being sent by a "
                "living worker would otherwise be sent a second time"
            )
        return self

    @model_validator(mode="after")
    def _standard_password_cost_in_production(self) -> Settings:
        if self.env == "production" and self.password_hash_cost != "standard":  # noqa: S105
            raise ValueError(
                "ZVONOK_PASSWORD_HASH_COST=light is for test runs only: unset it when "
                "ZVONOK_ENV=production"
            )
        return self

    @model_validator(mode="after")
    def _refuse_weak_secret_in_production(self) -> Settings:
        secret = self.secret_key.get_secret_value()
        if self.env == "production" and (
            secret.strip().lower() in _PLACEHOLDERS
            or len(secret) < MIN_SECRET_LENGTH
            or looks_repetitive(secret)
        ):
            raise ValueError(
                "ZVONOK_SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters when ZVONOK_ENV=production, not a few "
                f"characters repeated (for example: {_RANDOM_VALUE_HINT})"
            )
        return self

    @model_validator(mode="after")
    def _refuse_repetitive_webhook_secret_in_production(self) -> Settings:
        for name, secret in (
            ("TELEGRAM", self.telegram_webhook_secret),
            ("MAX", self.max_webhook_secret),
        ):
            if self.env == "production" and secret and looks_repetitive(secret.get_secret_value()):
                raise ValueError(
                    f"ZVONOK_{name}_WEBHOOK_SECRET must be a random value when "
                    "ZVONOK_ENV=production, not a few characters repeated "
                    f"(for example: {_RANDOM_VALUE_HINT})"
                )
        return self

    @model_validator(mode="after")
    def _backup_key_outside_development(self) -> Settings:
        key = self.backup_key
        if self.env == "production" and (
            key is None or key.get_secret_value().strip() == DEV_BACKUP_KEY
        ):
            raise ValueError(
                "ZVONOK_BACKUP_KEY must be set to a key of your own when ZVONOK_ENV=production: "
                "backups hold children's personal data and are encrypted with it (make one "
                "with `zvonok backup --new-key` or `age-keygen`, and keep a copy off this server)"
            )
        return self

    def worker_database(self) -> Database:
        """A worker's database: its pool sized by ZVONOK_WORKER_DB_POOL_SIZE and
        _OVERFLOW, or smaller than other processes' on SQLite, as its page caches
        (see the settings' comments)."""
        sqlite = self.database_url_resolved.startswith("sqlite")
        size = self.worker_db_pool_size or (WORKER_SQLITE_POOL if sqlite else self.db_pool_size)
        overflow = self.worker_db_pool_overflow
        if overflow is None:
            overflow = WORKER_SQLITE_POOL if sqlite else self.db_pool_overflow
        return Database(
            self.database_url_resolved,
            pool_size=size,
            pool_overflow=overflow,
            sqlite_cache_kb=self.db_sqlite_cache_kb or WORKER_SQLITE_CACHE_KB,
        )

    @property
    def database_url_resolved(self) -> str:
        """The database URL with its async driver; SQLite under `data_dir` by default."""
        if self.database_url is not None:
            return self.database_url
        return normalize_url(f"sqlite:///{self.data_dir.resolve() / 'zvonok.db'}")

    def database(self) -> Database:
        """This process's database, its connection pool sized by these settings."""
        return Database(
            self.database_url_resolved,
            pool_size=self.db_pool_size,
            pool_overflow=self.db_pool_overflow,
            sqlite_cache_kb=self.db_sqlite_cache_kb or SQLITE_CACHE_KB,
        )

    @property
    def backup_key_resolved(self) -> str:
        """The backups' age identity: the development key when none is set (refused in
        production by the validation above)."""
        return self.backup_key.get_secret_value().strip() if self.backup_key else DEV_BACKUP_KEY

    @property
    def backup_destinations_resolved(self) -> list[str]:
        """Where backups go; in development, unless set, two directories under data_dir."""
        if self.backup_destinations or self.env != "development":
            return list(self.backup_destinations)
        root = self.data_dir.resolve() / "backups"
        return [str(root / "local-1"), str(root / "local-2")]

    @property
    def public_url_resolved(self) -> str:
        """The web app's base URL for links sent out (no trailing slash)."""
        return self.public_url or f"http://{self.web_host}:{self.web_port}"

    def sms_hook_path(self, provider: str) -> str:
        """Where this provider's delivery reports are posted (set it in the account)."""
        token = hook_token(self.secret_key.get_secret_value(), f"sms:{provider}")
        return f"/hooks/sms/{provider}/{token}"

    @property
    def bots(self) -> BotRegistry:
        """The schools' own bots (`ZVONOK_BOTS_FILE`); empty without the file."""
        return self._bots

    def bot_username(self, messenger: str, school_id: int | None) -> str:
        """The username of the bot a school's families start: the school's own, or the
        deployment's."""
        own = self._bots.for_school(messenger, school_id) if school_id is not None else None
        if own is not None:
            return own.username
        return self.telegram_bot_username if messenger == "telegram" else self.max_bot_username

    def school_bots(self, messenger: str) -> tuple[BotAccount, ...]:
        """The messenger's school bots that run beside the deployment's own."""
        return self._bots.of(messenger)

    def require_redis_url(self) -> str:
        """The Redis URL for a process that cannot start its own Redis."""
        if self.redis_url is None:
            raise SettingsError(
                "ZVONOK_REDIS_URL is not set. Point it at a Redis server, or start the "
                "whole system with `zvonok run`, which starts a private Redis."
            )
        return self.redis_url


def _check_webhook_pair(
    messenger: str, url: str | None, secret: SecretStr | None, env: str
) -> None:
    """A messenger's webhook: a public https:// URL, and a secret with it."""
    if url is None:
        return
    parts = urlsplit(url)
    plain_http_ok = env == "development" and parts.scheme == "http"
    if not parts.hostname or not (parts.scheme == "https" or plain_http_ok):
        raise ValueError(
            f"ZVONOK_{messenger}_WEBHOOK_URL must be a public https:// URL "
            "(http:// only with ZVONOK_ENV=development, for a local emulator)"
        )
    if secret is None:
        raise ValueError(
            f"ZVONOK_{messenger}_WEBHOOK_SECRET must be set when ZVONOK_{messenger}_WEBHOOK_URL "
            "is: without it anyone who finds the URL can post updates as any user "
            f"(for example: {_RANDOM_VALUE_HINT})"
        )


def looks_repetitive(secret: str) -> bool:
    """One character or very few, repeated: typed by hand, not drawn at random (the
    length check alone lets "a" * 64 through)."""
    return len(set(secret)) < MIN_DISTINCT_CHARACTERS


def load_settings() -> Settings:
    """Read the settings at a process's start-up, turning validation errors into one message.

    Also sets what is process-wide: the cost of new password hashes.
    """
    try:
        settings = Settings()
    except ValidationError as error:
        lines = [_describe(e["loc"], e["msg"]) for e in error.errors()]
        raise SettingsError("invalid configuration:\n  " + "\n  ".join(lines)) from error
    use_password_cost(settings.password_hash_cost)
    return settings


def _describe(loc: tuple[int | str, ...], message: str) -> str:
    message = message.removeprefix("Value error, ")
    if not loc:
        return message
    return f"ZVONOK_{'_'.join(str(part) for part in loc).upper()}: {message}"
