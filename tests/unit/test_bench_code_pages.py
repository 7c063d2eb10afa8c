"""The code page benchmark's tally: each text saved in each code page that holds it, read back."""

from __future__ import annotations

from bench.code_pages import tally


def test_texts_are_tallied_per_code_page_and_identical_readings_apart():
    counts = tally(["Żółta kurtka, rozmiar M", "Größe M", "Très chic", "plain ASCII"])
    assert counts["Windows-1250", "right"] == 1  # Polish: only Windows-1250 holds ż and ł
    assert counts["Windows-1252", "right"] == 1  # French è: č in Windows-1250
    assert counts["Windows-1252", "same in both"] == 2 and counts["Windows-1250", "same in both"] == 2
    assert sum(n for (_, outcome), n in counts.items() if outcome == "wrong") == 0
