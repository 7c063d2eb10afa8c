"""Markdown tables of outcome shares, as the benchmarks print them for the README."""

from __future__ import annotations

from collections import Counter


def outcome_table(rows: dict[str, tuple[Counter, Counter]], answerable: list[str], unanswerable: list[str],
                  second: str) -> None:
    """One row per setting: the share of each outcome among the answerable messages, then (under the
    ``second`` heading) among the others."""
    print("| setting | " + " | ".join(answerable) + f" | {second}: " + " | ".join(unanswerable) + " |")
    print("|---" * (1 + len(answerable) + len(unanswerable)) + "|")
    for label, (in_scope, out_of_scope) in rows.items():
        n_in, n_out = sum(in_scope.values()), sum(out_of_scope.values())
        cells = [f"{100 * in_scope[o] / n_in:.1f}%" for o in answerable]
        cells += [f"{100 * out_of_scope[o] / n_out:.1f}%" for o in unanswerable]
        print(f"| {label} | " + " | ".join(cells) + " |")
