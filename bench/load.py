"""Load benchmark: N simulated customers chat with a running server at once for a bounded time.

Each customer holds its own conversation and sends text, photo (product photos and rendered screenshots)
and voice (espeak-ng) turns through the chat's public ``/send`` API over HTTP, pausing a think time
between an answer and its next turn. Printed per run: throughput, p50/p95/p99 per turn kind, errors, and
whether every answered turn is stored in the database. Without ``--url`` the benchmark seeds a demo store
in a temporary folder and starts ``assistant serve`` on a free loopback port twice, with micro-batching on
(the settings' defaults) and off (``ASSISTANT_BATCH_WAIT_MS=0``, ``ASSISTANT_MAX_BATCH_SIZE=1``), and prints
the ratio.

    python bench/load.py [--customers 20] [--seconds 30] [--mix text=0.6,photo=0.25,voice=0.15]
        [--think-seconds 5] [--concurrency N] [--url http://127.0.0.1:7860 [--database-url URL]] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_customers import (  # noqa: E402
    TURN_KINDS, ChatApi, CustomerLog, CustomerOptions, TurnMaterials, run_customer,
)
from bench.load_report import RunFigures, check_storage, print_run, summarise  # noqa: E402
from tests.live_server import free_port, seed_store  # noqa: E402

ONE_AT_A_TIME = {"ASSISTANT_BATCH_WAIT_MS": "0", "ASSISTANT_MAX_BATCH_SIZE": "1"}
SERVER_START_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class LoadOptions:
    customers: int = 20
    seconds: float = 30.0
    """How long customers start new turns; turns under way when it ends are finished and counted."""
    mix: dict[str, float] | None = None
    """Share of each turn kind; None means text only."""
    think_seconds: float = 5.0
    """Mean pause between an answer and the customer's next turn: reading the answer and typing."""
    concurrency: int | None = None
    """ASSISTANT_MODEL_CONCURRENCY for the servers this benchmark starts; None keeps the default."""


def parse_mix(text: str) -> dict[str, float]:
    """``text=0.6,photo=0.25,voice=0.15`` (or ``text``) -> shares per turn kind."""
    mix: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, _, share = part.partition("=")
        if kind not in TURN_KINDS:
            raise ValueError(f"unknown turn kind {kind!r} in --mix; expected {', '.join(TURN_KINDS)}")
        try:
            mix[kind] = float(share) if share else 1.0
        except ValueError:
            raise ValueError(f"the share of {kind!r} in --mix is not a number: {share!r}") from None
        if mix[kind] < 0:
            raise ValueError(f"the share of {kind!r} in --mix is negative")
    if not mix or sum(mix.values()) <= 0:
        raise ValueError("--mix needs at least one turn kind with a positive share, e.g. text=1")
    return mix


async def drive(url: str, materials: TurnMaterials, options: LoadOptions) -> tuple[list[CustomerLog], float]:
    """One warm-up turn of each kind (not counted; it loads the lazily built models), then the customers."""
    mix = options.mix or {"text": 1.0}
    customer = CustomerOptions(mix=mix, think_seconds=options.think_seconds)
    limits = httpx.Limits(max_connections=2 * options.customers + 8)
    timeout = httpx.Timeout(customer.turn_timeout_s, connect=10.0)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        api = ChatApi(client, url)
        for kind in (k for k, share in mix.items() if share > 0):
            warm = CustomerLog()
            warm_options = CustomerOptions(mix={kind: 1.0}, think_seconds=0.0)
            await run_customer(-1, api, materials, warm_options, time.monotonic() + 1e-3, warm)
        logs = [CustomerLog() for _ in range(options.customers)]
        started = time.monotonic()
        deadline = started + options.seconds
        await asyncio.gather(*(run_customer(i, api, materials, customer, deadline, log) for i, log in enumerate(logs)))
        return logs, time.monotonic() - started


def measured_run(label: str, url: str, materials: TurnMaterials, options: LoadOptions,
                 database_url: str | None) -> RunFigures:
    before = os.getloadavg()[0]
    logs, seconds = asyncio.run(drive(url, materials, options))
    after = os.getloadavg()[0]
    storage = check_storage(database_url, logs) if database_url else None
    return summarise(label, logs, seconds, (round(before, 2), round(after, 2)), storage)


@contextmanager
def started_server(data_dir: Path, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``assistant serve`` over ``data_dir`` on a free loopback port, in its own process."""
    port = free_port()
    server_env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_DATABASE_URL": "",
                  "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), **env}
    command = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=server_env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}:\n{log_path.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {SERVER_START_TIMEOUT_S:.0f} s")


def compare_batching(workdir: Path, materials: TurnMaterials, options: LoadOptions) -> list[RunFigures]:
    """The same customers against a server with micro-batching on, then one with it off."""
    store = workdir / "store"
    print("seeding the demo store ...", file=sys.stderr)
    seed_store(store)
    database_url = f"sqlite:///{(store / 'assistant.db').resolve()}"
    base_env = {} if options.concurrency is None else {"ASSISTANT_MODEL_CONCURRENCY": str(options.concurrency)}
    runs = []
    for label, env in (("micro-batching on", {}), ("one at a time", ONE_AT_A_TIME)):
        print(f"starting a server ({label}) ...", file=sys.stderr)
        with started_server(store, {**base_env, **env}, workdir / f"server-{len(runs)}.log") as url:
            print(f"{options.customers} customers for {options.seconds:.0f} s against {url}", file=sys.stderr)
            runs.append(measured_run(label, url, materials, options, database_url))
    return runs


def batching_ratios(on: RunFigures, off: RunFigures) -> dict[str, float | None]:
    """Throughput with micro-batching over throughput without, and each kind's p95 without over with."""
    ratios: dict[str, float | None] = {
        "throughput": round(on.turns_per_second / off.turns_per_second, 2) if off.turns_per_second else None
    }
    for kind, figures in on.kinds.items():
        other = off.kinds.get(kind)
        if figures.p95_ms and other and other.p95_ms:
            ratios[f"{kind}_p95"] = round(other.p95_ms / figures.p95_ms, 2)
    return ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=LoadOptions.customers)
    parser.add_argument("--seconds", type=float, default=LoadOptions.seconds)
    parser.add_argument("--mix", default="text", help="shares per turn kind, e.g. text=0.6,photo=0.25,voice=0.15")
    parser.add_argument("--think-seconds", type=float, default=LoadOptions.think_seconds,
                        help="mean pause between an answer and the customer's next turn (uniform, 0.5x-1.5x)")
    parser.add_argument("--concurrency", type=int, help="ASSISTANT_MODEL_CONCURRENCY for the started servers")
    parser.add_argument("--url", help="attach to this running server instead of starting one (no comparison)")
    parser.add_argument("--database-url", help="with --url: the server's database, to check what was stored")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)
    try:
        mix = parse_mix(args.mix)
    except ValueError as error:
        parser.error(str(error))
    if args.customers < 1 or args.seconds <= 0 or args.think_seconds < 0:
        parser.error("--customers must be at least 1, --seconds positive and --think-seconds not negative")
    options = LoadOptions(args.customers, args.seconds, mix, args.think_seconds, args.concurrency)
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        workdir = Path(tmp)
        materials = TurnMaterials.prepare(workdir / "materials", tuple(k for k, share in mix.items() if share > 0))
        if args.url:
            runs = [measured_run("attached server", args.url, materials, options, args.database_url)]
        else:
            runs = compare_batching(workdir, materials, options)
    ratios = batching_ratios(*runs) if len(runs) == 2 else {}
    report(runs, ratios, options, as_json=args.json)
    return 0 if all(r.errors == 0 and (r.storage is None or r.storage.ok) for r in runs) else 1


def report(runs: list[RunFigures], ratios: dict, options: LoadOptions, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"runs": [r.as_json() for r in runs], "batching_ratios": ratios,
                          "think_seconds": options.think_seconds, "mix": options.mix}, indent=2))
        return
    print(f"mix {options.mix}, think time {options.think_seconds} s (mean), {os.cpu_count()} CPUs")
    for run in runs:
        print_run(run)
    if ratios:
        cells = ", ".join(f"{k} {v}x" for k, v in ratios.items() if v is not None)
        print(f"\nmicro-batching on vs one at a time: {cells} (above 1: batching is better)")


if __name__ == "__main__":
    sys.exit(main())
