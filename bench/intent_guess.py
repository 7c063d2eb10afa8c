"""Intent guessing for imported FAQ entries that name no intent: how often the guess is the intent the demo
store files that question under.

The questions are bench/data/reworded_questions.json (customers' wordings of the demo FAQ questions,
which no router trained on), each labelled with the intent of the entry it asks about. The guess is
``RouterIntentGuesser`` with the shipped router; the baseline, measured in the same run, is the nearest
intent by all-MiniLM-L6-v2 cosine similarity to the mean of each intent's description and examples
(knowledge_base/seed_data/intents.json), the guess one can make without a trained router.

    python bench/intent_guess.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.fusion.classifier import FusionClassifier  # noqa: E402
from assistant.fusion.lifecycle import SHIPPED_CHECKPOINT  # noqa: E402
from assistant.intent_guess import NOT_FOR_ENTRIES, RouterIntentGuesser  # noqa: E402
from assistant.text import TextEncoder  # noqa: E402
from knowledge_base.seed import load_json  # noqa: E402

QUESTIONS = Path(__file__).resolve().parent / "data" / "reworded_questions.json"


def labelled_questions() -> list[tuple[str, str]]:
    intent_of = {faq["question"]: faq["intent"] for faq in load_json("faqs.json")}
    return [(case["query"], intent_of[case["faq_question"]]) for case in json.loads(QUESTIONS.read_text())]


def centroid_guesser(encoder: TextEncoder):
    intents = [item for item in load_json("intents.json") if item["name"] not in NOT_FOR_ENTRIES]
    centroids = np.stack([encoder.embed([i["description"], *i["examples"]]).mean(axis=0) for i in intents])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    names = [item["name"] for item in intents]
    return lambda wordings: names[int(np.argmax(encoder.embed(wordings).mean(axis=0) @ centroids.T))]


def main() -> None:
    cases = labelled_questions()
    encoder = TextEncoder()
    router = FusionClassifier.load(SHIPPED_CHECKPOINT, text_encoder=encoder)
    guessers = {"nearest intent description (baseline)": centroid_guesser(encoder),
                "shipped router (RouterIntentGuesser)": RouterIntentGuesser(lambda: router)}
    print(f"{len(cases)} reworded questions over {len({i for _, i in cases})} intents\n")
    print("| guess | right intent | vs baseline |\n|---|---|---|")
    baseline = None
    for label, guess in guessers.items():
        guessed = [(intent, guess([text])) for text, intent in cases]
        wrong = Counter(pair for pair in guessed if pair[0] != pair[1])
        accuracy = 1 - sum(wrong.values()) / len(cases)
        baseline = baseline or accuracy
        print(f"| {label} | {accuracy:.1%} | {accuracy / baseline:.2f}x |")
        print("  most frequent mistakes (filed under -> guessed):",
              ", ".join(f"{a} -> {b} ({n})" for (a, b), n in wrong.most_common(4)))


if __name__ == "__main__":
    main()
