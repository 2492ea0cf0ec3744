"""`python -m bench.district`: a district's urgent message and 200 teachers saving marks,
on a deployment spread over "hosts" (Linux network namespaces, `bench.netns`).

Hosts: `db` (a private PostgreSQL cluster and Redis), `worker1`..`workerN` (one
`python -m workers` each), `web1`, `web2` (uvicorn with the web app), `bots` (one
`python -m bots` serving every school's bots). Every process reaches PostgreSQL and
Redis over the bridge, as on separate machines. This namespace is "the internet": the
Telegram emulator and the MAX stand-in (processes of their own, every school's bot at
one address, each bot with its own 30 a second), the SMTP stand-in and the SMS gateway.

The district (`bench.district_world`): 40 schools, 24,000 families, half on Telegram
and half on MAX with some on email or SMS only, each family's chat linked through its
school's bot. Then:

1. The urgent message: each school's deputy posts «занятия отменены» (urgent, the whole
   school) at once; measured from the first post to the last family reached, with
   per-bot rates, 429s, duplicates and families missed, and from the workers' metrics
   how late their requests left after the moments the pacing reserved.
2. 200 teachers (5 a school) sign in through the two web processes and save marks at
   once, `--saves` each (p50/p99 of the save request).

Needs root and iproute2 (for the namespaces) and the PostgreSQL and redis-server
binaries. Progress goes to stderr; the summary line and the JSON line to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func
from sqlmodel import col, select

from bench.district_world import DistrictSchool, bots_file, create_district
from bench.netns import OUTSIDE, Host, hosts, unavailable
from bench.report import busiest_window, emit, percentile, progress, rounded
from bench.stack import WORKER_READY, WorkerProcess, child_env, stop_child
from bench.web_stack import SECRET, sign_in
from core.actors import StaffActor
from core.db import Database
from core.models import Delivery
from core.services.announcements import post_announcement
from core.uow import UnitOfWork
from notifier.standins.max_control import MaxStandinControl
from notifier.standins.max_server import school_bot_prefix as max_bot_prefix
from notifier.standins.sms_gateway import run_sms_gateway
from notifier.standins.smtp import run_smtp_standin
from notifier.standins.telegram_api import school_bot_prefix as telegram_bot_prefix
from notifier.standins.telegram_control import EmulatorControl

DISTRICT_TELEGRAM_TOKEN = "900000:district-bot"
DISTRICT_MAX_TOKEN = "district-max-bot"
SMS_API_ID = "district-sms"
TELEGRAM_PORT, MAX_PORT = 18081, 18082
LIMIT = 30  # each bot's messages a second, in the stand-ins and the workers
WORKER_METRICS_PORT = 9100
# zvonok_send_late_seconds' bounds reported: a request whose headers left that much after
# its reserved moment (under 0.035 s, the bot's interval, a sender is on time).
LATE_BOUNDS = (0.035, 0.05, 0.08, 0.12, 0.2, 0.5)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.district", description=__doc__)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--families", type=int, default=24_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--web", type=int, default=2, help="web processes")
    parser.add_argument("--teachers", type=int, default=5, help="teachers a school")
    parser.add_argument("--saves", type=int, default=5, help="marks each teacher saves")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the message")
    parser.add_argument(
        "--headroom", type=float, help="ZVONOK_TELEGRAM_RATE_HEADROOM for every process"
    )
    return parser.parse_args(argv)


# --- the hosts' services -------------------------------------------------------------


def _binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    path = found[0] if found else shutil.which(name)
    if path is None:
        raise SystemExit(f"bench.district: {name} not found (install PostgreSQL's binaries)")
    return path


@contextlib.contextmanager
def postgres_on(host: Host, directory: Path) -> Iterator[str]:
    """A private PostgreSQL cluster listening on the host's address; its URL."""
    base = directory / "pg"
    base.mkdir()
    os.chmod(directory, 0o755)
    os.chmod(base, 0o777)  # initdb refuses root: the cluster runs as nobody
    as_nobody = ["runuser", "-u", "nobody", "--"]
    data = base / "data"
    subprocess.run(
        [*as_nobody, _binary("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    with (data / "pg_hba.conf").open("a", encoding="utf-8") as hba:  # the hosts' network
        hba.write(f"host all all {host.address.rsplit('.', 1)[0]}.0/24 trust\n")
    options = f"-h {host.address} -p 5432 -k {base} -c max_connections=300"
    options += " -c shared_buffers=256MB"
    pg_ctl = _binary("pg_ctl")
    start = [pg_ctl, "-D", str(data), "-l", str(base / "log"), "-o", options, "-w", "start"]
    subprocess.run(host.run([*as_nobody, *start]), check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@{host.address}:5432/postgres"
    finally:
        stop = [*as_nobody, pg_ctl, "-D", str(data), "-m", "fast", "stop"]
        subprocess.run(stop, check=False, capture_output=True)


@contextlib.contextmanager
def redis_on(host: Host, directory: Path) -> Iterator[str]:
    argv = ["redis-server", "--bind", host.address, "--port", "6379", "--save", ""]
    argv += ["--appendonly", "no", "--protected-mode", "no"]
    with (directory / "redis.log").open("wb") as log:
        process = subprocess.Popen(host.run(argv), stdout=log, stderr=subprocess.STDOUT)
    try:
        yield f"redis://{host.address}:6379/0"
    finally:
        process.terminate()
        process.wait(10)


@dataclass
class Process:
    """A child process with its log (a stand-in, a web process, the bot process)."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        stop_child(self.process, 15)

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def launch(name: str, argv: list[str], env: dict[str, str], directory: Path) -> Process:
    log = directory / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, env=env, cwd=directory, stdout=out, stderr=subprocess.STDOUT
        )
    return Process(name, process, log)


async def wait_http(url: str, process: Process, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient(timeout=5) as client:
        while True:
            if process.process.poll() is not None:
                raise RuntimeError(f"{process.name} exited:\n{process.tail()}")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get(url)).status_code < 500:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{process.name} not answering {url}:\n{process.tail()}")
            await asyncio.sleep(0.2)


async def wait_connected(bots: Process, count: int, within: float = 120.0) -> None:
    """Until the bot process has connected `count` bots (it logs each)."""
    deadline = time.monotonic() + within
    while bots.log.read_text(errors="replace").count("connected to ") < count:
        if bots.process.poll() is not None:
            raise RuntimeError(f"the bot process exited:\n{bots.tail()}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot process did not connect {count} bots:\n{bots.tail()}")
        await asyncio.sleep(0.5)


def standins(schools: list[DistrictSchool], env: dict[str, str], directory: Path) -> list[Process]:
    """The Telegram emulator and the MAX stand-in, every school's bot at one address.

    They play the messengers' servers, which run on machines of their own: given a
    higher CPU priority (`nice -n -10`), so that the deployment's processes saturating
    the two cores do not delay when a request is counted, which would bunch arrivals
    that left on time."""
    python = ["nice", "-n", "-10", sys.executable, "-m"]
    telegram = [*python, "notifier.standins.telegram_api", "--host", OUTSIDE]
    telegram += ["--port", str(TELEGRAM_PORT), "--token", DISTRICT_TELEGRAM_TOKEN]
    telegram += ["--log-level", "warning"]
    max_ = [*python, "notifier.standins.max_server", "--host", OUTSIDE, "--port", str(MAX_PORT)]
    max_ += ["--token", DISTRICT_MAX_TOKEN, "--log-level", "warning"]
    for s in schools:
        telegram += ["--school-token", s.telegram_token]
        max_ += ["--school-bot", f"{s.max_token}={s.username}"]
    return [
        launch("telegram-emulator", telegram, env, directory),
        launch("max-standin", max_, env, directory),
    ]


def telegram_control(s: DistrictSchool) -> EmulatorControl:
    bot_id = int(s.telegram_token.split(":")[0])
    return EmulatorControl(f"http://{OUTSIDE}:{TELEGRAM_PORT}", telegram_bot_prefix(bot_id))


def max_control(s: DistrictSchool) -> MaxStandinControl:
    return MaxStandinControl(f"http://{OUTSIDE}:{MAX_PORT}", max_bot_prefix(s.username))


# --- the deployment ------------------------------------------------------------------


@dataclass
class Deployment:
    db: Database
    schools: list[DistrictSchool]
    workers: list[WorkerProcess]
    web: list[str]  # the web processes' URLs
    processes: list[Process]
    worker_metrics: list[str]  # each worker's /metrics


def zvonok_env(db_url: str, redis_url: str, directory: Path, smtp: int, sms: int) -> dict[str, str]:
    """What every Zvonok process of the district reads (docs/operations.md)."""
    return child_env(
        {
            "ZVONOK_DATABASE_URL": db_url,
            "ZVONOK_REDIS_URL": redis_url,
            "ZVONOK_SECRET_KEY": SECRET,
            "ZVONOK_DATA_DIR": str(directory / "var"),
            "ZVONOK_LOG_LEVEL": "INFO",
            "ZVONOK_BACKUP_TIME": "",
            "ZVONOK_BOTS_FILE": str(directory / "bots.toml"),
            "ZVONOK_TELEGRAM_TOKEN": DISTRICT_TELEGRAM_TOKEN,
            "ZVONOK_TELEGRAM_API_URL": f"http://{OUTSIDE}:{TELEGRAM_PORT}",
            "ZVONOK_TELEGRAM_BOT_RATE": str(LIMIT),
            "ZVONOK_MAX_TOKEN": DISTRICT_MAX_TOKEN,
            "ZVONOK_MAX_API_URL": f"http://{OUTSIDE}:{MAX_PORT}",
            "ZVONOK_MAX_BOT_RATE": str(LIMIT),
            "ZVONOK_SMTP_HOST": OUTSIDE,
            "ZVONOK_SMTP_PORT": str(smtp),
            "ZVONOK_SMTP_TLS": "none",
            "ZVONOK_SMS_PROVIDER": "smsru",
            "ZVONOK_SMS_URL": f"http://{OUTSIDE}:{sms}",
            "ZVONOK_SMS_API_KEY": SMS_API_ID,
            "ZVONOK_PUBLIC_URL": "http://district.invalid",
        }
    )


@contextlib.asynccontextmanager
async def deployment(args: argparse.Namespace, directory: Path) -> AsyncIterator[Deployment]:
    names = ["db", *(f"worker{n + 1}" for n in range(args.workers))]
    names += [*(f"web{n + 1}" for n in range(args.web)), "bots"]
    processes: list[Process] = []
    workers: list[WorkerProcess] = []
    worker_metrics: list[str] = []
    with (
        hosts(names) as net,
        postgres_on(net["db"], directory) as db_url,
        redis_on(net["db"], directory) as redis_url,
    ):
        progress(f"hosts: {', '.join(f'{h.name} {h.address}' for h in net.values())}")
        started = time.monotonic()
        db, schools = await create_district(
            db_url, schools=args.schools, families=args.families, teachers=args.teachers
        )
        progress(f"district written in {time.monotonic() - started:.0f} s")
        bots_file(directory / "bots.toml", schools)
        async with (
            run_smtp_standin(host=OUTSIDE) as smtp,
            run_sms_gateway(host=OUTSIDE, smsru_api_id=SMS_API_ID) as sms,
        ):
            sms_port = int(sms.url.rsplit(":", 1)[1].split("/")[0])
            env = zvonok_env(db_url, redis_url, directory, smtp.port, sms_port)
            if args.headroom is not None:
                env["ZVONOK_TELEGRAM_RATE_HEADROOM"] = str(args.headroom)
            try:
                processes += standins(schools, env, directory)
                stats = (f"{TELEGRAM_PORT}/_emulator/stats", f"{MAX_PORT}/_standin/stats")
                for process, path in zip(processes, stats, strict=True):
                    await wait_http(f"http://{OUTSIDE}:{path}", process)
                for s in schools:  # its MAX families started its bot before today
                    control = max_control(s)
                    await control.started_before(s.max_users)
                    await control.close()
                for n in range(args.workers):
                    host = net[f"worker{n + 1}"]
                    argv = host.run([sys.executable, "-m", "workers"])
                    probes = {
                        "ZVONOK_METRICS_HOST": host.address,
                        "ZVONOK_WORKER_METRICS_PORT": str(WORKER_METRICS_PORT),
                    }
                    log = directory / f"{host.name}.log"
                    worker = WorkerProcess(host.name, argv, env | probes, log)
                    worker_metrics.append(f"http://{host.address}:{WORKER_METRICS_PORT}/metrics")
                    await worker.start(directory)
                    workers.append(worker)
                await asyncio.gather(*(w.wait_ready(WORKER_READY, within=90) for w in workers))
                urls = []
                for n in range(args.web):
                    host = net[f"web{n + 1}"]
                    argv = [sys.executable, "-m", "uvicorn", "webapp.app:create_app", "--factory"]
                    argv += ["--host", host.address, "--port", "8000", "--log-level", "warning"]
                    process = launch(
                        host.name, host.run([*argv, "--no-access-log"]), env, directory
                    )
                    processes.append(process)
                    urls.append(f"http://{host.address}:8000")
                    await wait_http(f"{urls[-1]}/livez", process)
                bot_argv = net["bots"].run([sys.executable, "-m", "bots"])
                bots = launch("bots", bot_argv, env, directory)
                processes.append(bots)
                await wait_connected(bots, 2 * (len(schools) + 1))
                progress(f"{len(workers)} workers, {len(urls)} web processes and the bots up")
                yield Deployment(db, schools, workers, urls, processes, worker_metrics)
            finally:
                for worker in workers:
                    await worker.stop()
                for process in reversed(processes):
                    process.stop()
                await db.dispose()


# --- 1. the urgent message -----------------------------------------------------------


async def sent_deliveries(db: Database) -> dict[str, int]:
    async with db.session() as session:
        query = select(Delivery.status, func.count()).group_by(col(Delivery.status))
        return {status: count for status, count in (await session.exec(query)).all()}


async def urgent_message(d: Deployment, within: float) -> dict[str, Any]:
    families = sum(s.families for s in d.schools)
    cpu_before = [w.cpu_seconds() for w in d.workers]
    started = time.time()
    for s in d.schools:
        await post_announcement(
            UnitOfWork(d.db),
            actor=StaffActor(staff_id=s.deputy_id, school_id=s.school_id),
            class_id=None,
            title="Актированный день",
            body="Сегодня занятия отменены из-за мороза. Дети остаются дома.",
            urgent=True,
        )
    posted = time.time() - started
    progress(f"{len(d.schools)} announcements posted in {posted:.1f} s; waiting for {families}")
    deadline = time.monotonic() + within
    peak_rss = dict.fromkeys((w.name for w in d.workers), 0)
    while True:
        counts = await sent_deliveries(d.db)
        for w in d.workers:
            peak_rss[w.name] = max(peak_rss[w.name], w.memory_kb().get("VmRSS", 0))
        done = counts.get("sent", 0) + counts.get("failed", 0)
        if done >= families or time.monotonic() > deadline:
            break
        progress(f"  {time.time() - started:5.1f} s: {counts}")
        await asyncio.sleep(1.0)
    await asyncio.sleep(2.0)  # anything sent twice would show now
    figures = await reached(d, started)
    figures |= {
        "families": families,
        "posting_s": rounded(posted),
        "deliveries": await sent_deliveries(d.db),
        "worker_cpu_s": {
            w.name: rounded(w.cpu_seconds() - before)
            for w, before in zip(d.workers, cpu_before, strict=True)
        },
        "worker_peak_rss_mb": {name: round(kb / 1024, 1) for name, kb in peak_rss.items()},
        "send_late": await send_lateness(d.worker_metrics),
    }
    return figures


async def send_lateness(urls: list[str]) -> dict[str, dict[str, int]]:
    """From the workers' zvonok_send_late_seconds, per channel: requests paced, and how
    many left later than each of LATE_BOUNDS after their reserved moment."""
    buckets: dict[str, collections.Counter[float]] = collections.defaultdict(collections.Counter)
    async with httpx.AsyncClient(timeout=10) as client:
        for url in urls:
            text = (await client.get(url)).text
            for family in text_string_to_metric_families(text):
                if family.name != "zvonok_send_late_seconds":
                    continue
                for sample in family.samples:
                    if sample.name.endswith("_bucket"):
                        bound = float(sample.labels["le"])
                        buckets[sample.labels["channel"]][bound] += int(sample.value)
    late: dict[str, dict[str, int]] = {}
    for channel, counts in buckets.items():
        total = counts[float("inf")]
        late[channel] = {"paced": total} | {
            f"over_{round(bound * 1000)}ms": total - counts[bound] for bound in LATE_BOUNDS
        }
    return late


async def reached(d: Deployment, started: float) -> dict[str, Any]:
    """What the stand-ins received: per bot, duplicates, misses, the last arrival."""
    per_bot: dict[str, dict[str, Any]] = {}
    last, duplicates, missing, refused = 0.0, 0, 0, 0
    for s in d.schools:
        for messenger, control, expected, who in (
            ("telegram", telegram_control(s), s.chats, "chat_id"),
            ("max", max_control(s), s.max_users, "user_id"),
        ):
            messages = await control.sent()
            stats = await control.stats()
            await control.close()
            times = sorted(float(m["sent_at"]) for m in messages)
            bot_refused = int(stats["total"].get("429", 0))
            counted = collections.Counter(int(m[who]) for m in messages)
            duplicates += sum(n - 1 for n in counted.values() if n > 1)
            missing += len(set(expected) - set(counted))
            refused += int(stats["total"].get("429", 0))
            if times:
                last = max(last, times[-1])
                span = times[-1] - times[0]
                per_bot[f"{messenger}:{s.key}"] = {
                    "messages": len(times),
                    "responses_429": bot_refused,
                    "per_s": rounded((len(times) - 1) / span) if span > 0 else None,
                    "most_in_1s": busiest_window(times),
                }
    rates = [b["per_s"] for b in per_bot.values() if b["per_s"]]
    return {
        "to_last_family_s": rounded(last - started),
        "duplicates": duplicates,
        "missing": missing,
        "responses_429": refused,
        "bots": len(per_bot),
        "bot_rate_min": min(rates, default=None),
        "bot_rate_max": max(rates, default=None),
        "bot_most_in_1s_max": max((b["most_in_1s"] for b in per_bot.values()), default=None),
        "per_bot": per_bot,
    }


# --- 2. teachers saving marks --------------------------------------------------------


async def marks(d: Deployment, saves: int) -> dict[str, Any]:
    teachers = [(s, t) for s in d.schools for t in range(len(s.teachers))]
    progress(f"{len(teachers)} teachers signing in")
    clients: list[tuple[httpx.AsyncClient, str, int, list[int]]] = []
    for n, (s, t) in enumerate(teachers):
        page = f"/journal?class={s.classes[t]}&subject={s.subject_id}"
        client, token = await sign_in(d.web[n % len(d.web)], s.logins[t], page)
        clients.append((client, token, s.lessons[t], s.students[t]))
    times: list[float] = []
    refused = 0

    async def teacher(
        client: httpx.AsyncClient, token: str, lesson: int, pupils: list[int]
    ) -> None:
        nonlocal refused
        for k in range(saves):
            body = {"lesson_id": lesson, "student_id": pupils[k % len(pupils)], "text": "5"}
            began = time.perf_counter()
            try:
                answer = await client.put(
                    "/api/v1/journal/cells", json=body, headers={"X-CSRF-Token": token}
                )
            except httpx.TransportError as error:
                refused += 1
                progress(f"no answer: {type(error).__name__}")
                continue
            times.append(time.perf_counter() - began)
            if answer.status_code != 200:
                refused += 1
                if refused <= 3:
                    progress(f"refused: {answer.status_code} {answer.text[:200]}")

    progress(f"{len(clients)} teachers saving {saves} marks each, at once")
    began = time.perf_counter()
    await asyncio.gather(*(teacher(*c) for c in clients))
    wall = time.perf_counter() - began
    for client, *_ in clients:
        await client.aclose()
    return {
        "teachers": len(clients),
        "saves": len(times),
        "refused": refused,
        "p50_ms": rounded(percentile(times, 0.5) * 1000, 1),
        "p99_ms": rounded(percentile(times, 0.99) * 1000, 1),
        "saves_per_s": rounded(len(times) / wall, 1),
    }


async def run(args: argparse.Namespace) -> None:
    why = unavailable()
    if why:
        raise SystemExit(f"bench.district: {why}")
    directory = Path(tempfile.mkdtemp(prefix="zvonok-district-"))
    try:
        async with deployment(args, directory) as d:
            message = await urgent_message(d, args.timeout)
            saved = await marks(d, args.saves)
    finally:
        if not os.environ.get("BENCH_KEEP_DIR"):
            shutil.rmtree(directory, ignore_errors=True)
        else:
            progress(f"kept {directory}")
    summary = (
        f"district: {message['families']} families of {args.schools} schools reached in "
        f"{message['to_last_family_s']} s through {message['bots']} bots "
        f"({message['bot_rate_min']}–{message['bot_rate_max']}/s each, limit {LIMIT}); "
        f"duplicates {message['duplicates']}, missing {message['missing']}, "
        f"429 {message['responses_429']}; sends late > 80 ms: "
        f"{sum(c['over_80ms'] for c in message['send_late'].values())}; {saved['teachers']} teachers saving marks: "
        f"p50 {saved['p50_ms']} ms, p99 {saved['p99_ms']} ms"
    )
    emit(summary, {"args": vars(args), "message": message, "marks": saved})


def main(argv: list[str] | None = None) -> None:
    asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    main()
