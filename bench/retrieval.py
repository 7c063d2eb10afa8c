"""Retrieval benchmark: quality of each signal and of their fusions, and search latency by index size.

Quality: reworded customer questions (bench/data/reworded_questions.json, never the stored wording) are
split in two by a fixed hash; the hybrid's dense weight and BM25 saturation are chosen on the tuning half
and every method is reported on the held-out half. The answer threshold is chosen on the tuning half too,
with questions the shop cannot answer (bench/data/out_of_scope_questions.json), and checked held out. Latency: synthetic knowledge bases of 1k, 10k and 100k
entries (three wordings each, random unit vectors), timed per search without the query embedding.

    python bench/retrieval.py [--sizes 1000 10000 100000] [--queries 200]
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

DATA = Path(__file__).resolve().parent / "data" / "reworded_questions.json"
OUT_OF_SCOPE = DATA.parent / "out_of_scope_questions.json"
METHODS = {"BM25 alone": "lexical", "dense alone": "dense", "RRF (k=60)": "rrf", "weighted hybrid": "weighted"}
WEIGHTS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
SATURATIONS = [4.0, 8.0, 12.0, 16.0, 24.0, 32.0]
WRONG_ANSWER_COST = 2.0
THRESHOLDS = [round(0.30 + 0.01 * i, 2) for i in range(51)]


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


def quality(encoder: TextEncoder, workdir: Path) -> None:
    sessions = seeded_demo_store(workdir, "quality.db")
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
    print(f"\n{len(cases)} reworded questions: {len(tune)} to tune, {len(test)} held out")
    print(f"chosen on the tuning half: dense_weight={best[0]}, lexical_saturation={best[1]}\n")
    print("| method (held-out half) | hit@1 | MRR | nDCG@10 |\n|---|---|---|---|")
    retriever = _retriever(index, *best)
    for label, mode in METHODS.items():
        m = evaluate(sessions, retriever, *pick(test), mode)
        print(f"| {label} | {m['hit@1']:.3f} | {m['MRR']:.3f} | {m['nDCG@10']:.3f} |")
    threshold_report(sessions, retriever, encoder, pick(tune), pick(test))


def best_scores(sessions, retriever, cases, vectors) -> list[tuple[float, bool, bool]]:
    """(best score, best hit is right, right entry among the first 3) per labelled question."""
    out = []
    with session_scope(sessions) as session:
        for (query, target), vector in zip(cases, vectors, strict=True):
            result = retriever.search_with_vector(session, query, vector, k=3)
            ids = [h.faq_id for h in result.hits]
            out.append((result.hits[0].score, ids[0] == target, target in ids))
    return out


def outcomes(in_scope, out_of_scope, threshold: float) -> dict[str, float]:
    answered = [(s, right) for s, right, _ in in_scope if s >= threshold]
    return {
        "answered right": sum(right for _, right in answered) / len(in_scope),
        "answered wrong": sum(not right for _, right in answered) / len(in_scope),
        "clarified, right one offered": sum(s < threshold and top3 for s, _, top3 in in_scope) / len(in_scope),
        "out-of-scope answered": sum(s >= threshold for s, _, _ in out_of_scope) / len(out_of_scope),
    }


def threshold_report(sessions, retriever, encoder, tune, test) -> None:
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
    print(f"\nanswer threshold chosen on the tuning half: {chosen} "
          f"({len(questions)} out-of-scope questions, split the same way)\n")
    print("| held-out half | share |\n|---|---|")
    for label, share in outcomes(*scored["test"], chosen).items():
        print(f"| {label} | {share:.1%} |")


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


def latency(sizes: list[int], n_queries: int, workdir: Path, encoder: TextEncoder) -> None:
    print("\n| entries | wordings | p50 ms | p95 ms | first search ms (loads the vectors) |\n|---|---|---|---|---|")
    rng = random.Random(13)
    for size in sizes:
        engine = make_engine(f"sqlite:///{workdir / f'synthetic-{size}.db'}")
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
        first, rest = times[0], np.array(times[1:])
        wordings = size * 3
        print(f"| {size:,} | {wordings:,} | {np.percentile(rest, 50):.2f} | {np.percentile(rest, 95):.2f} | {first:.0f} |")
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    encoder = TextEncoder()
    with tempfile.TemporaryDirectory() as tmp:
        quality(encoder, Path(tmp))
        latency(args.sizes, args.queries, Path(tmp), encoder)


if __name__ == "__main__":
    main()
