"""Zvonok's Prometheus metrics, defined in one place (prometheus-client's default
registry); each process exposes those it moves: the web app at `/metrics`, a worker and
the bot process on their own ports when `ZVONOK_WORKER_METRICS_PORT` and
`ZVONOK_BOT_METRICS_PORT` are set (`core.probes.ProbeServer`, with `/livez` and
`/readyz`).

Labels hold kinds, never people: a channel, an outcome, a destination's name. No
metric names a school, a pupil or a guardian. docs/operations.md lists them, with
the Grafana dashboard and the alert rules that read them.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERIES = Counter(
    "zvonok_deliveries",
    "Messages a worker tried to send, by channel and outcome (sent, retry, permanent).",
    ["channel", "outcome"],
)
DELIVERY_DELAY = Histogram(
    "zvonok_delivery_delay_seconds",
    "From the moment a notification was due (its grace window over, or posted, for an "
    "urgent one) to its message sent, by channel.",
    ["channel"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600),
)
QUEUE_JOBS = Gauge("zvonok_queue_jobs", "Jobs waiting in the workers' queue (arq), now or later.")
DUE_BACKLOG = Gauge(
    "zvonok_due_backlog",
    "Open notifications whose due moment has passed and that no worker has started yet.",
)
BACKUP_AGE = Gauge(
    "zvonok_backup_age_seconds",
    "Age of the newest good backup at each destination (absent: none yet).",
    ["destination"],
)
SEND_WAIT = Histogram(
    "zvonok_send_wait_seconds",
    "How long a message waited for its moment within the messenger's rate limits "
    "(the bot's 30 a second, a chat's one a second), by channel.",
    ["channel"],
    buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
)
SEND_LATE = Histogram(
    "zvonok_send_late_seconds",
    "How late a paced request's headers left after the moment the rate limiter reserved "
    "for it, by channel: the process kept off the CPU, a connection to open. Late "
    "requests arrive bunched with the next ones; past ~0.08 s the messenger counts more "
    "than its limit in a second and answers 429.",
    ["channel"],
    buckets=(0.005, 0.01, 0.02, 0.035, 0.05, 0.08, 0.12, 0.2, 0.5, 1, 5),
)
RATE_LIMITED = Counter(
    "zvonok_rate_limited",
    "Sends the messenger refused as too many (HTTP 429), by channel: each is retried "
    "when the messenger says; any at all means the pacing runs too close to the limit.",
    ["channel"],
)
SMS_SEGMENTS = Counter(
    "zvonok_sms_segments",
    "SMS segments the gateway accepted: what the schools pay for.",
)
SMS_BUDGET_REFUSED = Counter(
    "zvonok_sms_budget_refused",
    "SMS not sent because the school's daily budget had no room left.",
)
PAID_BROADCAST_MESSAGES = Counter(
    "zvonok_paid_broadcast_messages",
    "Urgent Telegram messages sent as paid broadcasts (allow_paid_broadcast, 0.1 Star "
    "each), beyond the bot's free 30 a second.",
)
PAID_BROADCAST_REFUSED = Counter(
    "zvonok_paid_broadcast_budget_refused",
    "Urgent Telegram messages sent at the free rate because the month's Stars budget "
    "for paid broadcasts was spent.",
)
FAILED_LOGINS = Counter("zvonok_failed_logins", "Sign-ins refused for a wrong login or password.")
BOT_TURNS = Counter(
    "zvonok_bot_turns",
    "What the bot was sent (command, text, press, other message), by messenger and "
    "outcome: answered, unrouted (nothing took it), error (a handler raised).",
    ["messenger", "kind", "outcome"],
)
BOT_TURN_SECONDS = Histogram(
    "zvonok_bot_turn_seconds",
    "From a user's update reaching the bot to its answer done, by messenger.",
    ["messenger"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)
