"""The Grafana dashboard and the alert rules in docs/monitoring read only metrics that
the processes expose (core/metrics.py), with labels those metrics have: a metric
renamed in code breaks its panel or its alert here, not silently in a school's
Grafana."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import core.metrics  # noqa: F401  (registers the metrics)

DOCS = Path(__file__).parents[2] / "docs" / "monitoring"
SELECTOR = re.compile(r"(zvonok_[a-z_]+)(\{([^}]*)\})?")
AGGREGATED = re.compile(r"by \(([^)]*)\)")


def exposed() -> dict[str, set[str]]:
    """Every zvonok sample name the registry can produce, with its label names."""
    names: dict[str, set[str]] = {}
    for family in REGISTRY.collect():
        if not family.name.startswith("zvonok_"):
            continue
        labels = set(getattr(REGISTRY._names_to_collectors.get(family.name), "_labelnames", ()))
        for suffix in ("", "_total", "_count", "_sum", "_bucket", "_created"):
            names[family.name + suffix] = labels | ({"le"} if suffix == "_bucket" else set())
    return names


def expressions() -> list[str]:
    rules = yaml.safe_load((DOCS / "alerts.yml").read_text())
    found = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((DOCS / "grafana-dashboard.json").read_text())
    found += [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    return found


def test_every_expression_reads_metrics_and_labels_that_exist() -> None:
    names, seen = exposed(), set()
    assert {"zvonok_deliveries_total", "zvonok_delivery_delay_seconds_bucket"} <= set(names)
    for expr in expressions():
        for name, _, selector in SELECTOR.findall(expr):
            assert name in names, f"{expr!r}: no metric {name}"
            seen.add(name)
            used = {part.split("=")[0].strip("!~ ") for part in selector.split(",") if part}
            assert used <= names[name], f"{expr!r}: {name} has no label {used - names[name]}"
        for group in AGGREGATED.findall(expr):
            by = {label.strip() for label in group.split(",")}
            metric = SELECTOR.search(expr)
            assert metric is not None
            assert by <= names[metric.group(1)], f"{expr!r}: grouped by a label it lacks"
    # Each metric is on the dashboard or in an alert (one nobody reads is dead weight).
    families = {name.removesuffix("_total") for name in seen}
    families = {re.sub(r"_(bucket|count|sum)$", "", name) for name in families}
    assert families >= {
        "zvonok_deliveries",
        "zvonok_delivery_delay_seconds",
        "zvonok_due_backlog",
        "zvonok_queue_jobs",
        "zvonok_backup_age_seconds",
        "zvonok_failed_logins",
        "zvonok_send_wait_seconds",
        "zvonok_rate_limited",
        "zvonok_sms_segments",
        "zvonok_paid_broadcast_messages",
        "zvonok_paid_broadcast_budget_refused",
    }
