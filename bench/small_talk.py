"""Greeting or thanks, for short messages in other languages: which short reply each way would give.

Compares, on the phrases of bench/data/foreign_small_talk.json (none of them among the shipped phrases):
the English fusion router; multilingual-e5-small's single nearest example message of the demo store's two
intents (English); and what the assistant does, ``CrossLingualSearch.small_talk`` (the five nearest of
those examples and the shipped phrases of assistant/data/small_talk.json vote).

    python bench/small_talk.py [--workdir data/bench-small-talk]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.fusion.classifier import FusionClassifier  # noqa: E402
from assistant.fusion.lifecycle import SHIPPED_CHECKPOINT  # noqa: E402
from assistant.multilingual import (  # noqa: E402
    SMALL_TALK_INTENTS,
    CrossLingualOptions,
    CrossLingualSearch,
    LanguageIdentifier,
    MultilingualEmbedder,
)
from assistant.text import TextEncoder  # noqa: E402
from bench.store import seeded_demo_store  # noqa: E402
from knowledge_base.db import session_scope  # noqa: E402
from knowledge_base.repositories.intents import list_intents  # noqa: E402

PHRASES = Path(__file__).resolve().parent / "data" / "foreign_small_talk.json"


def nearest_store_example(embedder, session):
    examples = [(i.name, text) for i in list_intents(session=session) if i.name in SMALL_TALK_INTENTS
                for text in i.examples or []]
    vectors = embedder.embed([text for _, text in examples])
    return lambda vector: examples[int(np.argmax(vectors @ vector))][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("data/bench-small-talk"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    sets = {k: v for k, v in json.loads(PHRASES.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    embedder = MultilingualEmbedder()
    search = CrossLingualSearch(embedder, LanguageIdentifier(), CrossLingualOptions())
    router = FusionClassifier.load(SHIPPED_CHECKPOINT, text_encoder=TextEncoder())
    sessions = seeded_demo_store(args.workdir, "bench.db")
    print("| phrases | English router | nearest store example (e5) | five nearest with shipped phrases (e5) |")
    print("|---|---|---|---|")
    with session_scope(sessions) as session:
        nearest = nearest_store_example(embedder, session)
        for name, phrases in sets.items():
            vectors = embedder.embed([p["text"] for p in phrases])
            routed = [router.predict(text=p["text"]).intent for p in phrases]
            ways = (routed, [nearest(v) for v in vectors], [search.small_talk(session, v)[0] for v in vectors])
            right = [sum(got == p["intent"] for got, p in zip(way, phrases, strict=True)) for way in ways]
            print(f"| {name} ({len(phrases)}) | " + " | ".join(f"{n}/{len(phrases)}" for n in right) + " |")
            for p, got in zip(phrases, ways[2], strict=True):
                if got != p["intent"]:
                    print(f"  now wrong: {p['text']!r} ({p['intent']}) -> {got}")


if __name__ == "__main__":
    main()
