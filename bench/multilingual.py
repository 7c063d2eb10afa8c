"""Messages in other languages: what the demo store's chat does with them, with and without answers by
meaning across languages (``ASSISTANT_MULTILINGUAL_ANSWERS``).

bench/data/foreign_questions.json holds customer questions in 16 languages, 60 about one of the demo
entries (written for this benchmark, never an entry's wording) and 40 the shop cannot answer. They are
split in two by a fixed hash: the two thresholds are chosen on the tuning half (a wrong answer, or an
answer to a question the shop cannot answer, costs twice what a right answer gains) and every figure is
reported on the held-out half. Each turn runs the whole pipeline (shipped router, hybrid search, dialogue).

    python bench/multilingual.py [--show]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.multilingual import CrossLingualOptions  # noqa: E402
from assistant.runtime import Runtime  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.types import UserTurn  # noqa: E402
from bench.tables import outcome_table  # noqa: E402
from knowledge_base.db import session_scope  # noqa: E402
from knowledge_base.seed import seed_demo_store  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "foreign_questions.json"
ANSWER_SCORES = [0.86, 0.87, 0.88, 0.89, 0.90, 0.91]
SUGGEST_SCORES = [0.82, 0.84, 0.85, 0.86]
WRONG_ANSWER_COST = 2.0
OUTCOMES = ["answered right", "answered wrong", "offered, right one among them", "offered, not among them",
            "asked for the order number", "refused or no match"]
OOS_OUTCOMES = ["answered", "offered entries", "refused or no match"]


def split_of(query: str) -> str:
    return "tune" if hashlib.sha1(query.encode()).digest()[0] % 2 == 0 else "test"


def outcome(inspection, target: str | None) -> str:
    answered = [s.question for s in inspection.sources]
    offered = [s.question for s in inspection.suggestions]
    if target is None:
        return "answered" if inspection.action == "answer" else "offered entries" if offered else "refused or no match"
    if inspection.action == "answer" and answered:
        return "answered right" if answered[0] == target else "answered wrong"
    if offered:
        return "offered, right one among them" if target in offered else "offered, not among them"
    if inspection.action == "ask_order_number":
        return "asked for the order number"
    return "refused or no match"


def run(runtime: Runtime, cases: list[dict], show: bool = False) -> tuple[Counter, Counter]:
    in_scope, out_of_scope = Counter(), Counter()
    for case in cases:
        inspection = runtime.assistant.inspect(UserTurn(text=case["query"]))
        result = outcome(inspection, case["faq_question"])
        (in_scope if case["faq_question"] else out_of_scope)[result] += 1
        if show:
            print(f"  {result:<32} {inspection.action:<13} {case['language']} {case['query']}")
    return in_scope, out_of_scope


def utility(in_scope: Counter, out_of_scope: Counter) -> float:
    asked = sum(in_scope.values()) + sum(out_of_scope.values())
    bad = in_scope["answered wrong"] + out_of_scope["answered"]
    return (in_scope["answered right"] - WRONG_ANSWER_COST * bad) / asked


def choose(runtime: Runtime, tune: list[dict]) -> CrossLingualOptions:
    scored = []
    for answer in ANSWER_SCORES:
        for suggest in (s for s in SUGGEST_SCORES if s <= answer):
            runtime.cross_lingual.options = CrossLingualOptions(answer, suggest)
            in_scope, out_of_scope = run(runtime, tune)
            offered_right = in_scope["offered, right one among them"] - out_of_scope["offered entries"]
            scored.append(((utility(in_scope, out_of_scope), offered_right), answer, suggest))
    _, answer, suggest = max(scored)
    return CrossLingualOptions(answer, suggest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each held-out question's outcome")
    args = parser.parse_args()
    cases = json.loads(DATA.read_text(encoding="utf-8"))
    tune = [c for c in cases if split_of(c["query"]) == "tune"]
    test = [c for c in cases if split_of(c["query"]) == "test"]
    with tempfile.TemporaryDirectory() as workdir:
        runtime = Runtime.start(Settings(data_dir=Path(workdir)))
        with session_scope(runtime.sessions) as session:
            seed_demo_store(session=session, data_dir=runtime.settings.data_dir)
            runtime.reindex(session)
        chosen = choose(runtime, tune)
        print(f"{len(cases)} questions ({len(tune)} to tune, {len(test)} held out); chosen on the tuning half: "
              f"answer from {chosen.answer_score}, offer from {chosen.suggest_score}")
        runtime.cross_lingual.options = chosen
        rows = {"with answers across languages": run(runtime, test, args.show)}
        searcher, runtime.assistant.cross_lingual = runtime.assistant.cross_lingual, None
        rows["English only (off)"] = run(runtime, test, args.show)
        runtime.assistant.cross_lingual = searcher
    held_in = sum(rows["English only (off)"][0].values())
    print(f"\nheld-out half: {held_in} questions about an entry, "
          f"{sum(rows['English only (off)'][1].values())} the shop cannot answer")
    outcome_table(rows, OUTCOMES, OOS_OUTCOMES, "out of scope")
    for label, (in_scope, out_of_scope) in rows.items():
        print(f"{label}: utility {utility(in_scope, out_of_scope):.3f}")


if __name__ == "__main__":
    main()
