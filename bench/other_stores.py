"""Stores that are not the demo: each imports its own FAQ file (question and answer only, intents guessed)
into a new database and is asked its customers' questions, with the shipped router as it comes.

Eight stores of other trades (electronics, groceries, skincare, furniture, pet supplies, bicycles, books,
glasses), each 12 to 15 entries worded as their help pages would be, with messages written as customers
type them, each answered by one entry, and messages none of the entries answers (off-topic, or about the
store but on a topic it has no entry for). The clear-winner cosine and margin and the own-entry cosine were
chosen on the five development stores (and the retrieval benchmark's tuning half); the three held-out
stores were not looked at before the rules' first run. Four settings side by side: no rule, only the
clear-winner rule, that and the store's own entries against the router's refusals, and all three (the
defaults): the third rule answers an order question without a number from a confident own entry.

    python bench/other_stores.py [--show]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.pipeline import retrieval_options  # noqa: E402
from assistant.runtime import Runtime  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.types import UserTurn  # noqa: E402
from bench.tables import outcome_table  # noqa: E402
from knowledge_base.db import session_scope  # noqa: E402
from knowledge_base.repositories.faq_csv import import_faqs_csv  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
SETS = {"development": DATA / "other_stores_dev.json", "held out": DATA / "other_stores_held_out.json"}
OFF = 1.01
DEFAULTS = "all three (defaults)"
NO_OWN_ORDER_ANSWERS = {"own_entry_order_answers": False}
CONFIGS = {
    "no rule": {"clear_winner_cosine": OFF, "own_entry_cosine": OFF, **NO_OWN_ORDER_ANSWERS},
    "clear winner only": {"own_entry_cosine": OFF, **NO_OWN_ORDER_ANSWERS},
    "clear winner, own entries against refusals": NO_OWN_ORDER_ANSWERS,
    DEFAULTS: {},
}
ANSWERABLE = ["answered right", "answered wrong", "offered, right one among them", "offered, not among them",
              "refused as out of scope", "other (order number asked, hand-off, ...)"]
UNANSWERABLE = ["answered", "offered entries", "refused as out of scope", "other"]


def faq_file(store: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question", "answer"])
    writer.writerows([faq["question"], faq["answer"]] for faq in store["faqs"])
    return out.getvalue()


def outcome(inspection, target: str | None) -> str:
    answered = [s.question for s in inspection.sources]
    offered = [s.question for s in inspection.suggestions]
    if target is None:
        if inspection.action == "answer":
            return "answered"
        return "offered entries" if offered else {"out_of_scope": "refused as out of scope"}.get(inspection.action, "other")
    if inspection.action == "answer" and answered:
        return "answered right" if answered[0] == target else "answered wrong"
    if offered:
        return "offered, right one among them" if target in offered else "offered, not among them"
    if inspection.action == "out_of_scope":
        return "refused as out of scope"
    return "other (order number asked, hand-off, ...)"


def ask_store(store: dict, show: bool) -> dict[str, tuple[Counter, Counter]]:
    cases = [(q["text"], store["faqs"][q["faq"]]["question"]) for q in store["questions"]]
    cases += [(text, None) for text in store["unanswerable"]]
    counts = {}
    with tempfile.TemporaryDirectory() as workdir:
        runtime = Runtime.start(Settings(data_dir=Path(workdir)))
        with session_scope(runtime.sessions) as session:
            import_faqs_csv(session=session, text=faq_file(store), guess_intent=runtime.intent_guesser())
        with session_scope(runtime.sessions) as session:
            runtime.reindex(session)
        for label, changes in CONFIGS.items():
            settings = runtime.settings.model_copy(update=changes)
            runtime.assistant.settings = settings
            runtime.retriever.options = retrieval_options(settings)
            answerable, unanswerable = Counter(), Counter()
            for text, target in cases:
                result = outcome(runtime.assistant.inspect(UserTurn(text=text)), target)
                (answerable if target else unanswerable)[result] += 1
                if show and label == DEFAULTS:
                    print(f"  {result:<42} {text}")
            counts[label] = (answerable, unanswerable)
    return counts


def table(name: str, totals: dict[str, tuple[Counter, Counter]]) -> None:
    n_in, n_out = (sum(totals[DEFAULTS][i].values()) for i in (0, 1))
    print(f"\n{name}: {n_in} answerable messages, {n_out} the stores have no entry for")
    outcome_table(totals, ANSWERABLE, UNANSWERABLE, "no entry")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print each message's outcome at the defaults")
    args = parser.parse_args()
    for name, path in SETS.items():
        totals = {label: (Counter(), Counter()) for label in CONFIGS}
        for store in json.loads(path.read_text(encoding="utf-8"))["stores"]:
            if args.show:
                print(f"{store['name']} ({store['domain']})")
            for label, (answerable, unanswerable) in ask_store(store, args.show).items():
                totals[label][0].update(answerable)
                totals[label][1].update(unanswerable)
        table(name, totals)


if __name__ == "__main__":
    main()
