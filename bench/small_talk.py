"""Greeting or thanks, for short messages in other languages: which short reply each way would give.

Compares, on the phrases of bench/data/foreign_small_talk.json (none of them among the shipped phrases):
the English fusion router; multilingual-e5-small's single nearest example message of the demo store's two
intents (English); ``CrossLingualSearch.small_talk`` (the five nearest of those examples and the shipped
phrases of assistant/data/small_talk.json vote); and what the chat replies (the whole pipeline, in which
the vote decides only for words py3langid is at least 0.5 sure are not English, or mostly in another
alphabet, and only when the nearest store example reaches 0.84 and is at least as close as the best
entry: short phrases are often under the first bar and keep the English router's reply).

    python bench/small_talk.py [--workdir data/bench-small-talk]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.dialogue import SHORT_REPLIES  # noqa: E402
from assistant.fusion.classifier import FusionClassifier  # noqa: E402
from assistant.fusion.lifecycle import SHIPPED_CHECKPOINT  # noqa: E402
from assistant.multilingual import (  # noqa: E402
    SMALL_TALK_INTENTS,
    CrossLingualOptions,
    CrossLingualSearch,
    LanguageIdentifier,
    MultilingualEmbedder,
)
from assistant.runtime import Runtime  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.text import TextEncoder  # noqa: E402
from assistant.types import UserTurn  # noqa: E402
from bench.store import seeded_demo_store  # noqa: E402
from knowledge_base.db import session_scope  # noqa: E402
from knowledge_base.repositories.intents import list_intents  # noqa: E402
from knowledge_base.seed import seed_demo_store  # noqa: E402

PHRASES = Path(__file__).resolve().parent / "data" / "foreign_small_talk.json"


def nearest_store_example(embedder, session):
    examples = [(i.name, text) for i in list_intents(session=session) if i.name in SMALL_TALK_INTENTS
                for text in i.examples or []]
    vectors = embedder.embed([text for _, text in examples])
    return lambda vector: examples[int(np.argmax(vectors @ vector))][0]


REPLY_INTENT = {action: intent for intent, (action, _) in SHORT_REPLIES.items()}


def chat_replies(texts: list[str]) -> list[str]:
    """The small-talk intent of the chat's reply to each text (the action's name when it is no short
    reply), on a fresh demo store."""
    with tempfile.TemporaryDirectory() as workdir:
        runtime = Runtime.start(Settings(data_dir=Path(workdir)))
        with session_scope(runtime.sessions) as session:
            seed_demo_store(session=session, data_dir=runtime.settings.data_dir)
            runtime.reindex(session)
        actions = [runtime.assistant.inspect(UserTurn(text=text)).action for text in texts]
    return [REPLY_INTENT.get(action, action) for action in actions]


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
    chat = iter(chat_replies([p["text"] for phrases in sets.values() for p in phrases]))
    print("| phrases | English router | nearest store example (e5) | five nearest with shipped phrases (e5) "
          "| the chat |")
    print("|---|---|---|---|---|")
    with session_scope(sessions) as session:
        nearest = nearest_store_example(embedder, session)
        for name, phrases in sets.items():
            vectors = embedder.embed([p["text"] for p in phrases])
            routed = [router.predict(text=p["text"]).intent for p in phrases]
            replies = [next(chat) for _ in phrases]
            ways = (routed, [nearest(v) for v in vectors], [search.small_talk(session, v)[0] for v in vectors], replies)
            right = [sum(got == p["intent"] for got, p in zip(way, phrases, strict=True)) for way in ways]
            print(f"| {name} ({len(phrases)}) | " + " | ".join(f"{n}/{len(phrases)}" for n in right) + " |")
            for p, voted, replied in zip(phrases, ways[2], replies, strict=True):
                if voted != p["intent"] or replied != p["intent"]:
                    print(f"  {p['text']!r} ({p['intent']}): vote {voted}, chat {replied}, "
                          f"py3langid {search.identifier.language(p['text'])}")


if __name__ == "__main__":
    main()
