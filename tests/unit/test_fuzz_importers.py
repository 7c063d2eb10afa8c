"""Fuzzing the CSV importers: whatever the file holds, the import succeeds or is refused with the
project's own UserInputError (naming the bad rows), never an unhandled exception."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import UserInputError
from assistant.fusion.operator_data import import_intent_examples
from assistant.images import ImageLimits
from knowledge_base.db import session_scope
from knowledge_base.repositories.faq_csv import import_faqs_csv, read_csv_text
from tests.unit.security_fixtures import light_store

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADERS = ["question", "answer", "intent", "alternates", "tags", "text", "image", "Question ", "", "extra"]
INTENTS = ["shipping_info", "returns", "", "SHIPPING_INFO", " shipping_info "]

cells = st.one_of(st.text(max_size=40), st.sampled_from(INTENTS), st.just("a|b||c"), st.just('"quoted, cell"'))
headers = st.lists(st.sampled_from(HEADERS), min_size=0, max_size=6)
tables = st.tuples(headers, st.lists(st.lists(cells, max_size=7), max_size=6))


def as_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with light_store(tmp_path_factory.mktemp("fuzz-csv") / "kb.db") as (sessions, _):
        yield sessions


def import_faqs(sessions, text: str) -> None:
    try:
        with session_scope(sessions) as session:
            import_faqs_csv(session=session, text=text)
    except UserInputError:
        pass


@FUZZ
@given(table=tables)
def test_faq_import_of_any_table_succeeds_or_names_its_problem(store, table):
    import_faqs(store, as_csv(*table))


@FUZZ
@given(raw=st.binary(max_size=400))
def test_faq_import_of_any_bytes_succeeds_or_names_its_problem(store, raw):
    try:
        text = read_csv_text(raw)
    except UserInputError:
        return
    import_faqs(store, text)


@FUZZ
@given(pieces=st.lists(st.sampled_from(list('ab,"\n\r|\x00é') + ["question", "answer", "intent,", "shipping_info"]),
                      max_size=40))
def test_faq_import_of_csv_syntax_soup_succeeds_or_names_its_problem(store, pieces):
    import_faqs(store, "".join(pieces))


@FUZZ
@given(table=tables)
def test_intent_examples_import_succeeds_or_names_its_problem(store, tmp_path, table):
    path = tmp_path / "examples.csv"
    path.write_text(as_csv(*table), encoding="utf-8")
    try:
        with session_scope(store) as session:
            import_intent_examples(session=session, path=path, image_dir=tmp_path / "images",
                                   limits=ImageLimits(max_pixels=40_000_000, max_bytes=20_000_000))
    except UserInputError:
        pass


def test_intent_examples_import_of_a_bare_carriage_return_names_its_problem(store, tmp_path):
    path = tmp_path / "examples.csv"
    path.write_bytes(b"\ra")
    with pytest.raises(UserInputError), session_scope(store) as session:
        import_intent_examples(session=session, path=path, image_dir=tmp_path / "images",
                               limits=ImageLimits(max_pixels=40_000_000, max_bytes=20_000_000))
