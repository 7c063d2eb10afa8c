"""Retrieval benchmark: quality of each signal and of their fusions, and search latency by index size,
on SQLite (FTS5) and on PostgreSQL (full text; a throwaway server from Debian's package) side by side.

Quality: reworded customer questions (bench/data/reworded_questions.json, never the stored wording) are
split in two by a fixed hash; the hybrid's dense weight and BM25 saturation are chosen on the tuning half
and every method is reported on the held-out half. The answer threshold is chosen on the tuning half too,
with questions the shop cannot answer (bench/data/out_of_scope_questions.json), and checked held out. Latency: synthetic knowledge bases of 1k, 10k and 100k
entries (three wordings each, random unit vectors), timed per search without the query embedding.

    python bench/retrieval.py [--sizes 1000 10000 100000] [--queries 200] [--backends sqlite postgresql]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.text import TextEncoder  # noqa: E402
from bench.synthetic_kb import build_synthetic_kb  # noqa: E402
from knowledge_base.db import make_engine, make_session_factory, session_scope, upgrade_to_head  # noqa: E402
from knowledge_base.dense import DenseIndex  # noqa: E402
from knowledge_base.repositories.faqs import find_by_question  # noqa: E402
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions  # noqa: E402
from bench.store import seeded_demo_store  # noqa: E402
from tests.pg_server import PostgresServer  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "reworded_questions.json"
OUT_OF_SCOPE = DATA.parent / "out_of_scope_questions.json"
METHODS = {"BM25 alone": "lexical", "dense alone": "dense", "RRF (k=60)": "rrf", "weighted hybrid": "weighted"}
WEIGHTS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
SATURATIONS = [4.0, 8.0, 12.0, 16.0, 24.0, 32.0]
WRONG_ANSWER_COST = 2.0
THRESHOLDS = [round(0.30 + 0.01 * i, 2) for i in range(51)]
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
DEFAULTS_LABEL = "weighted hybrid, default settings"


class Databases:
    """Fresh empty databases by name: SQLite files in ``workdir`` or databases on one PostgreSQL server."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._server: PostgresServer | None = None

    def url(self, backend: str, name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{self.workdir / name}.db"
        if self._server is None:
            self._server = PostgresServer.start()
        return self._server.create_database(name)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()


@dataclass
class QualityReport:
    cases: int = 0
    tune: int = 0
    test: int = 0
    chosen: tuple[float, float] = (0.5, 12.0)
    methods: dict[str, dict[str, float]] = field(default_factory=dict)
    threshold: float = 0.5
    outcomes: dict[str, float] = field(default_factory=dict)


def split_of(query: str) -> str:
    return "tune" if hashlib.sha1(query.encode()).digest()[0] % 2 == 0 else "test"


def rank_of(result, target: int) -> int | None:
    for rank, hit in enumerate(result.hits, start=1):
        if hit.faq_id == target:
            return rank
    return None


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "MRR": sum(1 / r for r in ranks if r) / n,
        "nDCG@10": sum(1 / math.log2(r + 1) for r in ranks if r and r <= 10) / n,
    }


def evaluate(sessions, retriever, cases, vectors, mode) -> dict[str, float]:
    ranks = []
    with session_scope(sessions) as session:
        for (query, target), vector in zip(cases, vectors, strict=True):
            result = retriever.search_with_vector(session, query, vector, k=10, fusion=mode)
            ranks.append(rank_of(result, target))
    return metrics(ranks)


def quality(encoder: TextEncoder, workdir: Path, url: str) -> QualityReport:
    sessions = seeded_demo_store(workdir, "quality.db", url=url)
    cases = _labelled_cases(sessions)
    vectors = encoder.embed([q for q, _ in cases])
    index = DenseIndex(encoder)
    tune = [i for i, (q, _) in enumerate(cases) if split_of(q) == "tune"]
    test = [i for i, (q, _) in enumerate(cases) if split_of(q) == "test"]
    pick = lambda idx: ([cases[i] for i in idx], vectors[idx])  # noqa: E731

    best = max(
        ((w, s) for w in WEIGHTS for s in SATURATIONS),
        key=lambda ws: tuple(
            evaluate(sessions, _retriever(index, *ws), *pick(tune), "weighted")[m] for m in ("hit@1", "MRR")
        ),
    )
    report = QualityReport(len(cases), len(tune), len(test), best)
    retriever = _retriever(index, *best)
    report.methods = {label: evaluate(sessions, retriever, *pick(test), mode) for label, mode in METHODS.items()}
    defaults = RetrievalOptions()
    report.methods[DEFAULTS_LABEL] = evaluate(
        sessions, _retriever(index, defaults.dense_weight, defaults.lexical_saturation), *pick(test), "weighted"
    )
    report.threshold, report.outcomes = threshold_report(sessions, retriever, encoder, pick(tune), pick(test))
    sessions.kw["bind"].dispose()
    return report


def print_quality(reports: dict[str, QualityReport]) -> None:
    first = next(iter(reports.values()))
    print(f"\n{first.cases} reworded questions: {first.tune} to tune, {first.test} held out")
    for backend, report in reports.items():
        print(f"{BACKENDS[backend]}: chosen on the tuning half: dense_weight={report.chosen[0]}, "
              f"lexical_saturation={report.chosen[1]}, answer threshold {report.threshold}")
    names = list(reports)
    print("\n| method (held-out half) | " + " | ".join(
        f"{BACKENDS[b]} {m}" for b in names for m in ("hit@1", "MRR", "nDCG@10")) + " |")
    print("|---|" + "---|" * (3 * len(names)))
    for label in [*METHODS, DEFAULTS_LABEL]:
        cells = [f"{reports[b].methods[label][m]:.3f}" for b in names for m in ("hit@1", "MRR", "nDCG@10")]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print("\n| held-out half | " + " | ".join(BACKENDS[b] for b in names) + " |")
    print("|---|" + "---|" * len(names))
    for label in first.outcomes:
        print(f"| {label} | " + " | ".join(f"{reports[b].outcomes[label]:.1%}" for b in names) + " |")


def best_scores(sessions, retriever, cases, vectors) -> list[tuple[float, bool, bool]]:
    """(best score, best hit is right, right entry among the first 3) per labelled question."""
    out = []
    with session_scope(sessions) as session:
        for (query, target), vector in zip(cases, vectors, strict=True):
            result = retriever.search_with_vector(session, query, vector, k=3)
            ids = [h.faq_id for h in result.hits]
            out.append((result.hits[0].score, ids[0] == target, target in ids, result.clear_winner))
    return out


def outcomes(in_scope, out_of_scope, threshold: float, clear_winners: bool = True) -> dict[str, float]:
    """A question is answered when its best hit reaches ``threshold`` or (with ``clear_winners``) is clearly
    the closest in meaning."""
    if not clear_winners:
        in_scope = [(s, right, top3, False) for s, right, top3, _ in in_scope]
        out_of_scope = [(s, right, top3, False) for s, right, top3, _ in out_of_scope]
    answered = [(s, right) for s, right, _, clear in in_scope if s >= threshold or clear]
    return {
        "answered right": sum(right for _, right in answered) / len(in_scope),
        "answered wrong": sum(not right for _, right in answered) / len(in_scope),
        "clarified, right one offered": sum(
            s < threshold and not clear and top3 for s, _, top3, clear in in_scope) / len(in_scope),
        "out-of-scope answered": sum(s >= threshold or clear for s, _, _, clear in out_of_scope) / len(out_of_scope),
    }


def threshold_report(sessions, retriever, encoder, tune, test) -> tuple[float, dict[str, float]]:
    """The answer threshold chosen on the tuning half (out-of-scope questions split the same way) and the
    held-out half's outcomes with it."""
    questions = json.loads(OUT_OF_SCOPE.read_text(encoding="utf-8"))
    unknown = [(q, -1) for q in questions]
    vectors = encoder.embed(questions)
    halves = {name: [i for i, q in enumerate(questions) if split_of(q) == name] for name in ("tune", "test")}
    scored = {
        name: (
            best_scores(sessions, retriever, *cases),
            best_scores(sessions, retriever, [unknown[i] for i in halves[name]], vectors[halves[name]]),
        )
        for name, cases in (("tune", tune), ("test", test))
    }

    def utility(threshold: float) -> float:
        """A wrong answer costs twice what a right one gains; a clarifying question costs nothing."""
        o = outcomes(*scored["tune"], threshold)
        return o["answered right"] - WRONG_ANSWER_COST * (o["answered wrong"] + o["out-of-scope answered"])

    chosen = max(THRESHOLDS, key=utility)
    default = RetrievalOptions().threshold
    at_default = outcomes(*scored["test"], default)
    without = outcomes(*scored["test"], default, clear_winners=False)
    return chosen, {**outcomes(*scored["test"], chosen),
                    **{f"{label}, at the default {default:.2f}": value for label, value in at_default.items()},
                    **{f"{label}, at {default:.2f} without the clear-winner rule": value
                       for label, value in without.items()}}


def _retriever(index: DenseIndex, weight: float, saturation: float) -> HybridRetriever:
    return HybridRetriever(index, RetrievalOptions(dense_weight=weight, lexical_saturation=saturation))


def _labelled_cases(sessions) -> list[tuple[str, int]]:
    cases = []
    with session_scope(sessions) as session:
        for item in json.loads(DATA.read_text(encoding="utf-8")):
            entry = find_by_question(session=session, question=item["faq_question"])
            if entry is None:
                raise SystemExit(f"{DATA.name}: no FAQ entry {item['faq_question']!r}")
            cases.append((item["query"], entry.id))
    return cases


def latency(url: str, size: int, n_queries: int, encoder: TextEncoder) -> tuple[float, float, float]:
    """(p50, p95, first search) in ms over a synthetic knowledge base of ``size`` entries at ``url``."""
    rng = random.Random(13)
    engine = make_engine(url)
    upgrade_to_head(engine)
    sessions = make_session_factory(engine)
    queries = build_synthetic_kb(engine, size=size, dim=encoder.dim, model_name=encoder.name, seed=size)
    retriever = HybridRetriever(DenseIndex(encoder), RetrievalOptions())
    sample = [rng.choice(queries) for _ in range(n_queries)]
    vectors = encoder.embed(sample)
    times = []
    with session_scope(sessions) as session:
        for query, vector in zip(sample, vectors, strict=True):
            started = time.perf_counter()
            retriever.search_with_vector(session, query, vector, k=5)
            times.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    rest = np.array(times[1:])
    return float(np.percentile(rest, 50)), float(np.percentile(rest, 95)), times[0]


def print_latency(rows: dict[int, dict[str, tuple[float, float, float]]]) -> None:
    names = list(next(iter(rows.values())))
    print("\n| entries | wordings | " + " | ".join(
        f"{BACKENDS[b]} p50 ms | {BACKENDS[b]} p95 ms | {BACKENDS[b]} first ms" for b in names) + " |")
    print("|---|---|" + "---|" * (3 * len(names)))
    for size, by_backend in rows.items():
        cells = [f"{v:.2f}" if i < 2 else f"{v:.0f}" for b in names for i, v in enumerate(by_backend[b])]
        print(f"| {size:,} | {size * 3:,} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backends", nargs="+", choices=list(BACKENDS), default=list(BACKENDS))
    args = parser.parse_args()
    encoder = TextEncoder()
    with tempfile.TemporaryDirectory() as tmp:
        databases = Databases(Path(tmp))
        try:
            print_quality({b: quality(encoder, Path(tmp), databases.url(b, f"quality_{b}")) for b in args.backends})
            if args.sizes:
                print_latency({
                    size: {b: latency(databases.url(b, f"synthetic_{b}_{size}"), size, args.queries, encoder)
                           for b in args.backends}
                    for size in args.sizes
                })
        finally:
            databases.close()


if __name__ == "__main__":
    main()
