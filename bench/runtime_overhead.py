"""What does `unit_of_work` (guard on) cost next to a hand-written `with factory.begin()`?

Usage:
    python bench/runtime_overhead.py [--rounds N] [--sqlite-transactions N]
                                     [--postgres-transactions N] [--postgres-url URL]

Each transaction inserts one ORM row. For each backend (in-memory SQLite, then
PostgreSQL if reachable) every round runs one batch of each variant back to
back, rotating their order from round to round. It prints, per variant, the
median wall-clock and CPU time per transaction (and the wall-clock min-max),
then the median of the per-round ratios (each pair ran back to back, so slow
changes in machine load cancel out) with its interquartile range, against the
targets of issue 4 (<= 1.05 on SQLite, <= 1.02 on PostgreSQL).

Importing `sessionsafe.runtime` registers class-level listeners that every
session pays for, with or without a unit of work. So a third variant,
``begin, no sessionsafe``, runs the baseline with those listeners removed.

It also times, in CPU time (the figure other processes disturb least), the
bookkeeping alone (transactions without SQL) and `ensure_usable` on a healthy
session (idle, and inside a transaction holding a connection).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import sys
import time
import timeit
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

DEFAULT_POSTGRES_URL = os.environ.get(
    "SESSIONSAFE_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TARGETS = {"sqlite": 1.05, "postgresql": 1.02}


def make_model(table_name: str) -> Any:
    base: Any = type("Base", (DeclarativeBase,), {})
    return type(
        "Row",
        (base,),
        {
            "__tablename__": table_name,
            "id": mapped_column(primary_key=True),
            "value": mapped_column(),
            "__annotations__": {"id": Mapped[int], "value": Mapped[int]},
        },
    )


def time_begin_blocks(factory: sessionmaker[Any], model: Any, count: int) -> None:
    """`count` hand-written `with factory.begin()` one-row transactions."""
    for value in range(count):
        with factory.begin() as session:
            session.add(model(value=value))


def time_units(factory: sessionmaker[Any], model: Any, count: int) -> None:
    """`count` `unit_of_work` one-row transactions (guard="raise")."""
    from sessionsafe.runtime import unit_of_work

    for value in range(count):
        with unit_of_work(factory) as session:
            session.add(model(value=value))


@contextlib.contextmanager
def sessionsafe_listeners_removed() -> Iterator[None]:
    """Take sessionsafe's class-level listeners off `Session`/`Engine` for a while.

    Importing `sessionsafe.runtime` registers them for every session of the
    process, so "begin, no sessionsafe" shows what that registration costs.
    """
    from sessionsafe.runtime import _events

    for target, name, listener in _events.LISTENERS:
        event.remove(target, name, listener)
    try:
        yield
    finally:
        _events.install()


def time_begin_blocks_without_sessionsafe(
    factory: sessionmaker[Any], model: Any, count: int
) -> None:
    with sessionsafe_listeners_removed():
        time_begin_blocks(factory, model, count)


@dataclass
class Series:
    """One variant's batches: wall-clock and CPU microseconds per transaction."""

    name: str
    wall_us: list[float] = field(default_factory=list)
    cpu_us: list[float] = field(default_factory=list)

    def describe(self) -> str:
        wall, cpu = statistics.median(self.wall_us), statistics.median(self.cpu_us)
        low, high = min(self.wall_us), max(self.wall_us)
        return (
            f"{self.name:<26} wall median {wall:8.1f} us/txn (min-max {low:7.1f}-{high:7.1f})"
            f"   cpu median {cpu:8.1f} us/txn"
        )


def measure(series: Series, run: Callable[[], None], count: int) -> None:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    series.wall_us.append((time.perf_counter() - wall) / count * 1e6)
    series.cpu_us.append((time.process_time() - cpu) / count * 1e6)


def paired_ratios(numerator: Series, denominator: Series, cpu: bool) -> list[float]:
    """Per-round ratios: each pair ran back to back, so slow drifts in load cancel out."""
    top, bottom = (
        (numerator.cpu_us, denominator.cpu_us) if cpu else (numerator.wall_us, denominator.wall_us)
    )
    return [a / b for a, b in zip(top, bottom, strict=True)]


def describe_ratio(label: str, ratios: list[float]) -> str:
    quartiles = statistics.quantiles(ratios, n=4)
    return (
        f"  {label:<40} median {statistics.median(ratios):.3f}"
        f"   (interquartile {quartiles[0]:.3f}-{quartiles[2]:.3f})"
    )


def bench_backend(label: str, url: str, count: int, rounds: int) -> None:
    engine = create_engine(url)
    model = make_model(f"bench_{uuid.uuid4().hex[:10]}")
    model.metadata.create_all(engine)
    factory = sessionmaker(engine)
    begin = Series("begin (hand-written)")
    unit = Series("unit_of_work (guard on)")
    bare = Series("begin, no sessionsafe")
    variants: list[tuple[Series, Callable[[], None]]] = [
        (begin, lambda: time_begin_blocks(factory, model, count)),
        (unit, lambda: time_units(factory, model, count)),
        (bare, lambda: time_begin_blocks_without_sessionsafe(factory, model, count)),
    ]
    time_units(factory, model, count)  # warm up imports, caches, the pool
    time_begin_blocks(factory, model, count)
    try:
        for round_number in range(rounds):
            # Rotate the order so that no variant always runs first (or after the same one).
            shift = round_number % len(variants)
            for series, run in variants[shift:] + variants[:shift]:
                measure(series, run, count)
    finally:
        if not url.startswith("sqlite"):
            model.metadata.drop_all(engine)
        engine.dispose()
    target = TARGETS["sqlite" if url.startswith("sqlite") else "postgresql"]
    print(f"\n== {label}: {rounds} rounds of {count} one-row-insert transactions per variant")
    for series in (begin, unit, bare):
        print("  " + series.describe())
    wall_ratio = statistics.median(paired_ratios(unit, begin, cpu=False))
    verdict = "OK" if wall_ratio <= target else "ABOVE TARGET"
    print(describe_ratio("unit_of_work / begin, wall clock", paired_ratios(unit, begin, False)))
    print(f"  {'':<40} target <= {target}: {verdict}")
    print(describe_ratio("unit_of_work / begin, cpu time", paired_ratios(unit, begin, True)))
    print(describe_ratio("begin / no sessionsafe, wall clock", paired_ratios(begin, bare, False)))
    print(describe_ratio("begin / no sessionsafe, cpu time", paired_ratios(begin, bare, True)))


def bench_pure_overhead(url: str, count: int = 2_000, rounds: int = 40) -> None:
    """CPU time of the bookkeeping alone: transactions that check out a connection, no SQL.

    The variants alternate in short batches and each keeps its fastest batch:
    the minimum of process CPU time is the figure least disturbed by other
    processes, so this is the steadiest estimate of what a unit of work adds
    to each transaction, in microseconds.
    """
    from sessionsafe.runtime import unit_of_work

    engine = create_engine(url)
    factory = sessionmaker(engine)

    def begin_blocks() -> None:
        for _ in range(count):
            with factory.begin() as session:
                session.connection()

    def units() -> None:
        for _ in range(count):
            with unit_of_work(factory) as session:
                session.connection()

    def bare_blocks() -> None:
        with sessionsafe_listeners_removed():
            begin_blocks()

    runs = {"begin": begin_blocks, "unit": units, "bare": bare_blocks}
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(rounds):
        for name, run in runs.items():
            start = time.process_time()
            run()
            best[name] = min(best[name], (time.process_time() - start) / count * 1e6)
    engine.dispose()
    print(
        f"\n== bookkeeping alone ({url.split(':')[0]}, no SQL, fastest of {rounds} batches "
        f"of {count}, CPU time)"
    )
    print(f"  begin (hand-written)       {best['begin']:7.2f} us/txn")
    print(f"  unit_of_work (guard on)    {best['unit']:7.2f} us/txn")
    print(f"  begin, no sessionsafe      {best['bare']:7.2f} us/txn")
    print(f"  unit_of_work adds          {best['unit'] - best['begin']:7.2f} us/txn")
    print(f"  the listeners add          {best['begin'] - best['bare']:7.2f} us/txn to any session")


def bench_ensure_usable(url: str) -> None:
    from sessionsafe.runtime import ensure_usable

    engine = create_engine(url)
    factory = sessionmaker(engine)
    calls = 200_000
    with factory() as idle:
        idle_ns = min(
            timeit.repeat(
                lambda: ensure_usable(idle), number=calls, repeat=5, timer=time.process_time
            )
        )
    with factory() as busy:
        busy.execute(text("SELECT 1"))
        busy_ns = min(
            timeit.repeat(
                lambda: ensure_usable(busy), number=calls, repeat=5, timer=time.process_time
            )
        )
    engine.dispose()
    print(
        f"\n== ensure_usable on a healthy session ({url.split(':')[0]}, best of 5 x {calls}, "
        f"CPU time)"
    )
    print(f"  idle (no transaction)            {idle_ns / calls * 1e9:7.0f} ns/call")
    print(f"  in a transaction, connection held {busy_ns / calls * 1e9:6.0f} ns/call")


def postgres_reachable(url: str) -> bool:
    try:
        engine = create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception as error:
        print(f"\n(PostgreSQL skipped: {type(error).__name__}: {error})")
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Many short rounds: each pair of batches runs within a fraction of a second,
    # so the per-round ratios see the same machine load on both sides.
    parser.add_argument("--rounds", type=int, default=100, help="rounds per backend")
    parser.add_argument("--sqlite-transactions", type=int, default=200, help="per batch")
    parser.add_argument("--postgres-transactions", type=int, default=40, help="per batch")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, SQLAlchemy {__import__('sqlalchemy').__version__}")
    bench_backend("SQLite in memory", "sqlite://", args.sqlite_transactions, args.rounds)
    bench_pure_overhead("sqlite://")
    bench_ensure_usable("sqlite://")
    if postgres_reachable(args.postgres_url):
        bench_backend(
            "PostgreSQL (psycopg 3)", args.postgres_url, args.postgres_transactions, args.rounds
        )
        bench_ensure_usable(args.postgres_url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
