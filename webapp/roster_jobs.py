"""Roster imports running in the background of the web process, with their progress.

Checking a big file and writing it take seconds, longer than a request should: the
page and the API start the core call (`check_roster_import`, `confirm_roster_import`)
as an asyncio task here and answer at once, or after `settle` when it finishes soon;
the page then polls the import's state, which shows the progress kept here.

Nothing here decides anything: the outcome is core's and is kept in the database (the
import's status, its preview or its result). What lives only in this process is the
progress of a running task and the error of one that failed, so a page polled from
another web process shows the import as not finished until its row says otherwise.
A second start for an import whose task is still running returns that task: one
confirmation writes once (and core refuses a second one anyway).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from fastapi import Request

from core.actors import StaffActor
from core.errors import ZvonokError
from core.services.roster_import import check_roster_import, confirm_roster_import
from core.services.roster_plan import Progress
from webapp.state import uow

log = logging.getLogger(__name__)

KEEP_FINISHED = 200  # finished jobs remembered (for their error), the oldest dropped first

Work = Callable[[Progress], Awaitable[object]]


@dataclass(frozen=True)
class JobState:
    """A job as it was at one moment. A page takes it before it reads the import's row:
    a task that finishes during that read is then still shown as running, and the next
    poll reads its outcome, instead of showing the row as it was before the task wrote
    with no task running (the page would stop polling on a stale state)."""

    kind: str
    stage: str
    done: int
    total: int
    error: ZvonokError | None
    failed: bool
    running: bool

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0


@dataclass
class Job:
    import_id: int
    kind: str  # "check" or "import"
    stage: str = "queued"  # then "reading", "checking", "writing", "done"
    done: int = 0
    total: int = 0
    error: ZvonokError | None = None  # core refused (shown in the viewer's language)
    failed: bool = False  # something unexpected went wrong (logged)
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    def report(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def state(self) -> JobState:
        return JobState(
            self.kind, self.stage, self.done, self.total, self.error, self.failed, self.running
        )


class RosterJobs:
    """The running (and recently finished) import tasks of this process, by import id."""

    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}

    def get(self, import_id: int) -> Job | None:
        return self._jobs.get(import_id)

    def state(self, import_id: int) -> JobState | None:
        """The import's job as it is now (take it before reading the import's row)."""
        job = self._jobs.get(import_id)
        return None if job is None else job.state()

    def start(self, import_id: int, kind: str, work: Work) -> Job:
        current = self._jobs.get(import_id)
        if current is not None and current.running:
            return current
        self._forget_finished()
        job = Job(import_id, kind)
        job.task = asyncio.create_task(self._run(job, work), name=f"roster-{kind}-{import_id}")
        self._jobs[import_id] = job
        return job

    async def settle(self, job: Job, seconds: float) -> None:
        """Wait up to `seconds` for the job; it goes on in the background after that
        (and if the request is abandoned)."""
        if job.task is not None and seconds > 0:
            await asyncio.wait({job.task}, timeout=seconds)

    async def _run(self, job: Job, work: Work) -> None:
        try:
            await work(job.report)
        except ZvonokError as error:
            job.error = error
        except Exception as error:  # a background task has nobody else to tell
            job.failed = True
            # The type and the frames only: a database error's text can quote the file.
            frames = "".join(traceback.format_tb(error.__traceback__))
            log.error(
                "roster %s %s failed: %s\n%s", job.kind, job.import_id, type(error).__name__, frames
            )

    def _forget_finished(self) -> None:
        finished = [key for key, job in self._jobs.items() if not job.running]
        for key in finished[: max(0, len(self._jobs) - KEEP_FINISHED)]:
            del self._jobs[key]


def roster_jobs(request: Request) -> RosterJobs:
    """The app's import tasks (one registry per app, made when first needed)."""
    state = request.app.state
    jobs: RosterJobs | None = getattr(state, "roster_jobs", None)
    if jobs is None:
        jobs = RosterJobs()
        state.roster_jobs = jobs
    return jobs


def start_check(request: Request, actor: StaffActor, import_id: int) -> Job:
    """Check (preview) an uploaded file in the background."""
    unit = uow(request)

    async def work(progress: Progress) -> object:
        return await check_roster_import(unit, actor=actor, import_id=import_id, progress=progress)

    return roster_jobs(request).start(import_id, "check", work)


def start_import(request: Request, actor: StaffActor, import_id: int) -> Job:
    """Write a checked file to the journal in the background (all or nothing: core)."""
    unit = uow(request)

    async def work(progress: Progress) -> object:
        return await confirm_roster_import(
            unit, actor=actor, import_id=import_id, progress=progress
        )

    return roster_jobs(request).start(import_id, "import", work)
