"""How the answer threshold fares in stores smaller than the demo store: random subsets of its FAQ entries.

Each store keeps ``size`` of the 168 demo entries (several random draws per size; the rest deleted, so the
lexical index counts only what is kept). The held-out half of the reworded customer questions
(bench/data/reworded_questions.json, as in bench/retrieval.py) is asked of each: a question whose entry
was kept should be answered with it; a question whose entry was left out, and a question the shop cannot
answer (bench/data/out_of_scope_questions.json), should not be answered. Two settings side by side: the
defaults (BM25 saturation 12, threshold 0.50, both chosen on the full store) and the saturation scaled to
the store's size (by the idf of a word found in one entry, against 168 entries).

    python bench/small_store.py [--sizes 10 25 50 100] [--draws 5]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.text import TextEncoder  # noqa: E402
from bench.retrieval import OUT_OF_SCOPE, _labelled_cases, split_of  # noqa: E402
from bench.store import seeded_demo_store  # noqa: E402
from knowledge_base.db import make_engine, make_session_factory, session_scope  # noqa: E402
from knowledge_base.dense import DenseIndex  # noqa: E402
from knowledge_base.models import FaqEntry  # noqa: E402
from knowledge_base.retrieval import HybridRetriever, RetrievalOptions  # noqa: E402

FULL_STORE = 168


def one_entry_idf(entries: int) -> float:
    return math.log(1 + (entries - 0.5) / 1.5)


def settings(entries: int) -> dict[str, RetrievalOptions]:
    default = RetrievalOptions()
    scale = one_entry_idf(entries) / one_entry_idf(FULL_STORE)
    return {"defaults": default, "defaults without the clear-winner rule": RetrievalOptions(clear_winner_cosine=1.01),
            "saturation scaled to size": RetrievalOptions(lexical_saturation=12.0 * scale)}


def smaller_store(base: Path, folder: Path, keep: set[int], name: str):
    copy = folder / f"{name}.db"
    shutil.copy(base, copy)
    sessions = make_session_factory(make_engine(f"sqlite:///{copy}"))
    with session_scope(sessions) as session:
        for entry in session.scalars(select(FaqEntry)).all():
            if entry.id not in keep:
                session.delete(entry)
    return sessions


def outcomes(sessions, retriever, questions, keep: set[int]) -> list[str]:
    """One outcome per (question, vector, entry id or -1 for out of scope)."""
    out = []
    with session_scope(sessions) as session:
        for query, vector, target in questions:
            result = retriever.search_with_vector(session, query, vector, k=3)
            ids = [hit.faq_id for hit in result.hits]
            if target in keep:
                if result.confident:
                    out.append("kept: answered right" if ids[0] == target else "kept: answered wrong")
                else:
                    out.append("kept: not answered, right one offered" if target in ids else "kept: not answered")
            else:
                missing = "left out" if target != -1 else "out of scope"
                out.append(f"{missing}: answered" if result.confident else f"{missing}: not answered")
    return out


def print_table(rows: dict[tuple[int, str], list[str]]) -> None:
    shown = ["kept: answered right", "kept: answered wrong", "kept: not answered, right one offered",
             "left out: answered", "out of scope: answered"]
    print("| entries | settings | " + " | ".join(shown) + " |")
    print("|---|---|" + "---|" * len(shown))
    for (size, label), results in rows.items():
        cells = []
        for name in shown:
            group = name.split(":")[0]
            total = sum(r.startswith(group) for r in results)
            cells.append(f"{sum(r == name for r in results) / total:.1%}" if total else "-")
        print(f"| {size} | {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 25, 50, 100])
    parser.add_argument("--draws", type=int, default=5)
    args = parser.parse_args()
    encoder = TextEncoder()
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = seeded_demo_store(folder, "demo.db")
        cases = [(q, t) for q, t in _labelled_cases(base) if split_of(q) == "test"]
        unknown = [q for q in json.loads(OUT_OF_SCOPE.read_text(encoding="utf-8")) if split_of(q) == "test"]
        texts = [q for q, _ in cases] + unknown
        questions = list(zip(texts, encoder.embed(texts), [t for _, t in cases] + [-1] * len(unknown)))
        with session_scope(base) as session:
            all_ids = sorted(session.scalars(select(FaqEntry.id)).all())
        base.kw["bind"].dispose()
        print(f"{len(cases)} held-out questions, {len(unknown)} out of scope; {args.draws} draws per size\n")
        rows: dict[tuple[int, str], list[str]] = {}
        index = DenseIndex(encoder)
        for size in [*args.sizes, FULL_STORE]:
            for draw in range(args.draws if size < FULL_STORE else 1):
                keep = set(rng.sample(all_ids, size))
                sessions = smaller_store(folder / "demo.db", folder, keep, f"s{size}-{draw}")
                for label, options in settings(size).items():
                    results = outcomes(sessions, HybridRetriever(index, options), questions, keep)
                    rows.setdefault((size, label), []).extend(results)
                sessions.kw["bind"].dispose()
        print_table(rows)


if __name__ == "__main__":
    main()
