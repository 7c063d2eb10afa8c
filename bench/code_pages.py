"""How often a CSV saved in Windows-1252 or Windows-1250 is read in the code page it was saved in.

Every non-ASCII message of the router's shipped examples and every question of
bench/data/foreign_questions.json is saved, one per file under a header, in each of the two code pages that
can hold it, and read back with ``knowledge_base.code_pages``. Files whose bytes read the same in both are
counted apart: either reading is right.

    python bench/code_pages.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.fusion.corpus import shipped_examples  # noqa: E402
from knowledge_base.code_pages import CENTRAL, CODECS, WESTERN, code_page_text  # noqa: E402

FOREIGN = Path(__file__).resolve().parent / "data" / "foreign_questions.json"


def tally(texts: list[str]) -> Counter:
    counts: Counter = Counter()
    for text in texts:
        for name, codec in CODECS.items():
            try:
                raw = f"question\n{text}\n".encode(codec)
            except UnicodeEncodeError:
                continue
            if raw.decode(CODECS[WESTERN], "replace") == raw.decode(CODECS[CENTRAL], "replace"):
                counts[name, "same in both"] += 1
                continue
            read = code_page_text(raw)
            counts[name, "right" if read is not None and read[0] == raw.decode(codec) else "wrong"] += 1
    return counts


def main() -> None:
    sets = {
        "router messages": sorted({e.text for e in shipped_examples() if e.text and not e.text.isascii()}),
        "foreign questions": [q["query"] for q in json.loads(FOREIGN.read_text())],
    }
    print("| texts | saved in | right | wrong | read the same in both |")
    print("|---|---|---|---|---|")
    for label, texts in sets.items():
        counts = tally(texts)
        for name in CODECS:
            print(f"| {label} ({len(texts)}) | {name} | {counts[name, 'right']} | {counts[name, 'wrong']} "
                  f"| {counts[name, 'same in both']} |")


if __name__ == "__main__":
    main()
