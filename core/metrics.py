"""Zvonok's Prometheus metrics, defined in one place (prometheus-client's default
registry); each process exposes those it moves: the web app at `/metrics`, a worker on
its own port when `ZVONOK_WORKER_METRICS_PORT` is set (`serve_metrics`).

Labels hold kinds, never people: a channel, an outcome, a destination's name. No
metric names a school, a pupil or a guardian. docs/operations.md lists them, with
the Grafana dashboard and the alert rules that read them.
"""

from __future__ import annotations

import logging

from prometheus_client import Counter, Gauge, Histogram, start_http_server

log = logging.getLogger(__name__)

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
FAILED_LOGINS = Counter("zvonok_failed_logins", "Sign-ins refused for a wrong login or password.")


def serve_metrics(port: int | None, host: str, process: str) -> None:
    """Serve this process's metrics over HTTP on `port` (None: not served)."""
    if port is None:
        return
    start_http_server(port, addr=host)
    log.info("%s metrics on http://%s:%s/metrics", process, host, port)
