"""Run a sweep: chunks to workers, each chunk saved as it comes, resumable.

Chunks are fixed by the spec (`chunk_size`), whatever the number of workers,
and each chunk starts its kernels from the base plan's bases, so the table is
the same on 1 or 8 workers or a Dask cluster. Every finished chunk is written
at once to `OUTPUT.parts/` (atomically); rerunning the same command skips the
chunks already there. When all are done they are streamed into OUTPUT (the
memory used does not grow with the number of variants) and the parts removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from balans import __version__
from balans.errors import BalansError
from balans.reports.output import write_atomically
from balans.scenario.load import ScenarioBase
from balans.sweep.design import Variant
from balans.sweep.rows import Job, solve_chunk
from balans.sweep.spec import Common

if TYPE_CHECKING:
    import pyarrow as pa

PARTS_SUFFIX = ".parts"
MANIFEST = "manifest.json"
# Rows per Parquet row group. Parquet keeps a footer entry per row group and
# column (800+ columns): a row group per 250-variant chunk made the writer's
# memory grow with the sweep; 4 096 rows (about 30 MB) keep it nearly flat.
ROW_GROUP_ROWS = 4096


@dataclass
class RunSummary:
    """What a finished sweep did."""

    output: Path
    variants: int
    rows: int
    chunks: int
    resumed_chunks: int
    seconds: float
    statuses: dict[str, int]  # rows per status ("closest": the closest plan)


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def fingerprint(spec: Common, base: ScenarioBase, variants: list[Variant]) -> str:
    """A key that changes with anything that changes the table."""
    digest = hashlib.sha256()
    digest.update(__version__.encode())
    digest.update(spec.model_dump_json().encode())
    digest.update(json.dumps(base.merged, sort_keys=True, default=str).encode())
    digest.update(pickle.dumps([(v.id, v.name, v.values) for v in variants]))
    return digest.hexdigest()[:16]


def run_sweep(
    spec: Common,
    base: ScenarioBase,
    variants: list[Variant],
    output: Path,
    output_format: str = "parquet",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunSummary:
    """Solve every variant and write the table; resume from `OUTPUT.parts/`."""
    started = time.perf_counter()
    key = fingerprint(spec, base, variants)
    parts = _parts_dir(output, key)
    size = spec.chunk_size
    chunks = [variants[i : i + size] for i in range(0, len(variants), size)]
    done = {i for i in range(len(chunks)) if _chunk_path(parts, i).exists()}
    todo = [(i, chunks[i]) for i in range(len(chunks)) if i not in done]
    resumed = len(done)
    job = Job(key, spec, base)
    finished = sum(len(chunks[i]) for i in done)
    if progress:
        progress(finished, len(variants))
    merged = OrderedOutput(parts, output, output_format)
    try:
        merged.take(done)
        for index, table in _solved(job, todo, workers, scheduler, parts):
            if table is not None:  # else the worker saved it itself
                _write_chunk(parts, index, table)
            done.add(index)
            merged.take(done, {} if table is None else {index: table})
            finished += len(chunks[index])
            if progress:
                progress(finished, len(variants))
        merged.finish()
    finally:
        merged.close()
    statuses = merged.statuses
    shutil.rmtree(parts, ignore_errors=True)
    return RunSummary(
        output=output,
        variants=len(variants),
        rows=sum(statuses.values()),
        chunks=len(chunks),
        resumed_chunks=resumed,
        seconds=time.perf_counter() - started,
        statuses=statuses,
    )


def _parts_dir(output: Path, key: str) -> Path:
    parts = output.with_name(output.name + PARTS_SUFFIX)
    manifest = parts / MANIFEST
    if parts.exists():
        try:
            saved = json.loads(manifest.read_text(encoding="utf-8"))["key"]
        except (OSError, ValueError, KeyError):
            saved = None
        if saved != key:
            raise BalansError(
                f"{parts}: holds the saved chunks of another sweep (the spec, its "
                "scenario or balans changed); delete the folder to start again"
            )
        return parts
    parts.mkdir(parents=True)
    write_atomically(str(manifest), (json.dumps({"key": key}) + "\n").encode())
    return parts


def _chunk_path(parts: Path, index: int) -> Path:
    return parts / f"chunk-{index:06d}.arrow"


def _write_chunk(parts: Path, index: int, table: pa.Table) -> None:
    """A finished chunk as an Arrow file: fast to write and read back.

    The output's own encoding (Parquet, CSV) is done once, when it is merged.
    """
    import pyarrow.feather as feather

    path = _chunk_path(parts, index)
    temporary = path.with_suffix(".tmp")
    feather.write_feather(table, temporary, compression="uncompressed")
    os.replace(temporary, path)


def _solved(
    job: Job,
    todo: list[tuple[int, list[Variant]]],
    workers: int | None,
    scheduler: str | None,
    parts: Path,
) -> Iterator[tuple[int, pa.Table | None]]:
    """Each chunk's index and table, or None where a worker saved the chunk itself."""
    if scheduler:
        yield from _on_dask(job, todo, scheduler)
        return
    workers = workers or default_workers()
    if workers <= 1 or len(todo) <= 1:
        for index, chunk in todo:
            yield solve_chunk(job, index, chunk)
        return
    yield from _on_pool(job, todo, workers, parts)


def _on_pool(
    job: Job, todo: list[tuple[int, list[Variant]]], workers: int, parts: Path
) -> Iterator[tuple[int, None]]:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    # The job goes to each worker once, not with every chunk: the queue of
    # tasks then holds only variants, whatever the size of the scenario. A
    # worker saves each chunk it solves (sending the table back would cost
    # more than writing and mapping the file).
    pool = context.Pool(min(workers, len(todo)), _take_job, (job, parts))
    try:
        yield from pool.imap_unordered(_solve_task, todo)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


_WORKER_JOB: list[tuple[Job, Path]] = []


def _take_job(job: Job, parts: Path) -> None:
    _WORKER_JOB[:] = [(job, parts)]


def _solve_task(task: tuple[int, list[Variant]]) -> tuple[int, None]:
    job, parts = _WORKER_JOB[0]
    index, table = solve_chunk(job, *task)
    _write_chunk(parts, index, table)
    return index, None


def _on_dask(
    job: Job, todo: list[tuple[int, list[Variant]]], scheduler: str
) -> Iterator[tuple[int, pa.Table]]:
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise BalansError(f"--scheduler {scheduler}: cannot connect: {exc}") from None
    try:
        shared = client.scatter(job, broadcast=True)
        futures = [
            client.submit(solve_chunk, shared, index, chunk, pure=False)
            for index, chunk in todo
        ]
        for future in as_completed(futures):
            yield future.result()
    finally:
        client.close()


class OrderedOutput:
    """OUTPUT written while the sweep runs: each chunk, in order, once it is saved.

    The chunks arrive in any order; each one that continues the table is
    appended at once, so little is left to write when the last arrives. The
    file is written under a temporary name and renamed when complete; the
    saved chunks stay the record a rerun resumes from.
    """

    def __init__(self, parts: Path, output: Path, output_format: str) -> None:
        self.parts, self.output, self.format = parts, output, output_format
        self.temporary = output.with_name(f".{output.name}.tmp")
        self.temporary.unlink(missing_ok=True)
        self.next, self.done = 0, False
        self.writer = None
        self.pending: list[pa.Table] = []  # chunks not yet in a row group
        self.early: dict[int, pa.Table] = {}  # arrived before their turn
        self.statuses: dict[str, int] = {}

    def take(self, saved: set[int], arrived: dict[int, pa.Table] | None = None) -> None:
        """Append every saved chunk that continues the table.

        A chunk that `arrived` just now is taken as it is; one that arrived
        before its turn is kept until then (the chunks of a pool arrive nearly
        in order); a chunk a worker or an earlier run saved is mapped from its
        file.
        """
        import pyarrow.feather as feather

        self.early.update(arrived or {})
        while self.next in saved:
            table = self.early.pop(self.next, None)
            if table is None:
                path = _chunk_path(self.parts, self.next)
                table = feather.read_table(path, memory_map=True)
            self._append(table)
            self.next += 1

    def _append(self, table: pa.Table) -> None:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        # a row counts as "closest" or by its status, in the order they come
        keys = pc.if_else(table.column("closest"), "closest", table.column("status"))
        for count in pc.value_counts(keys).to_pylist():
            key = count["values"]
            self.statuses[key] = self.statuses.get(key, 0) + count["counts"]
        if self.format == "csv":
            table.to_pandas().to_csv(
                self.temporary, mode="a", header=self.next == 0, index=False
            )
            return
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.temporary, table.schema)
        if not table.schema.equals(self.writer.schema):
            table = table.cast(self.writer.schema)
        self.pending.append(table)
        if sum(t.num_rows for t in self.pending) >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.pending:
            table = pa.concat_tables(self.pending)
            self.writer.write_table(table, row_group_size=table.num_rows)
            self.pending = []

    def finish(self) -> None:
        """Close the table and put it in place."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.done = True
        self._close_writer()
        if self.next == 0 and self.format != "csv":
            pq.write_table(pa.table({}), self.temporary)
        elif self.next == 0:
            self.temporary.write_text("", encoding="utf-8")
        os.replace(self.temporary, self.output)

    def close(self) -> None:
        """After `finish`, nothing; after an interruption, no half table left behind."""
        self._close_writer()
        if not self.done:
            self.temporary.unlink(missing_ok=True)

    def _close_writer(self) -> None:
        if self.writer is not None:
            if not self.done:
                self.pending = []  # interrupted: the half table is discarded
            self._flush()
            self.writer.close()
            self.writer = None
