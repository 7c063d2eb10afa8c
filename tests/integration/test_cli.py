"""The `assistant` command end to end, on the seeded demo store with the real packaged text encoder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

from tests import databases
from tests.cli_runner import no_traceback_of_ours, run, run_json

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store")
    run(path, "init")
    run(path, "seed")
    return path




def test_ask_germany_delivery_returns_the_curated_answer_with_its_source(data_dir):
    env = os.environ | databases.current().env_for(data_dir)
    completed = subprocess.run(
        [Path(sys.executable).parent / "assistant", "ask", "how long does delivery to Germany take?", "--json"],
        capture_output=True, text=True, env=env, check=True,
    )
    reply = json.loads(completed.stdout)  # stdout holds the JSON alone
    assert reply["action"] == "answer"
    assert reply["intent"] == "shipping_info"
    assert "2-4 business days to Germany" in reply["reply"]
    source = reply["sources"][0]
    stored = run_json(data_dir, "faq", "list", "--intent", "shipping_info")
    entry = next(e for e in stored if e["faq_id"] == source["faq_id"])
    assert entry["answer"] == reply["reply"]  # verbatim, never invented
    assert set(reply) >= {"reply", "intent", "confidence", "action", "sources", "transcript", "language", "timings_ms"}


def test_search_json_shows_each_signal_and_honours_intent_and_k(data_dir):
    result = run_json(data_dir, "search", "my card keeps getting declined", "--k", "3", "--intent", "payment_billing")
    assert result["query"] == "my card keeps getting declined"
    assert len(result["hits"]) == 3
    for hit in result["hits"]:
        assert hit["intent"] == "payment_billing"
        assert {"faq_id", "question", "answer", "score", "dense", "lexical", "bm25"} <= set(hit)


def test_unrelated_question_is_politely_refused_without_an_invented_answer(data_dir):
    reply = run_json(data_dir, "ask", "what is the boiling point of mercury on mars?")
    assert (reply["action"], reply["intent"], reply["out_of_scope"]) == ("out_of_scope", "out_of_scope", True)
    assert reply["sources"] == []
    assert "orders, delivery, returns" in reply["reply"]


def test_without_the_router_an_unrelated_question_gets_the_closest_entries(data_dir):
    env = databases.current().env_for(data_dir) | {"ASSISTANT_ROUTER": "retrieval"}
    result = CliRunner().invoke(app, ["ask", "what is the boiling point of mercury on mars?", "--json"], env=env)
    reply = json.loads(result.stdout)
    assert reply["action"] == "clarify" and reply["router"] == "retrieval"
    assert reply["sources"] == []
    assert 1 <= len(reply["suggestions"]) <= 3


def test_faq_add_edit_delete_keep_search_in_step(data_dir):
    added = run_json(data_dir, "faq", "add", "--question", "Do you sell matching socks with the sneakers?",
                     "--answer", "Yes: every sneaker has matching merino socks for EUR 9.", "--intent",
                     "product_question", "-a", "Are there socks that go with the trainers?", "-a", "Sneaker socks?")
    faq_id = added["faq_id"]
    top = run_json(data_dir, "search", "socks for my trainers")["hits"][0]
    assert top["faq_id"] == faq_id

    run(data_dir, "faq", "edit", str(faq_id), "--answer", "Yes: bamboo socks, EUR 7 a pair.")
    assert run_json(data_dir, "search", "socks for my trainers")["hits"][0]["answer"] == "Yes: bamboo socks, EUR 7 a pair."

    run(data_dir, "faq", "delete", str(faq_id))
    hits = run_json(data_dir, "search", "socks for my trainers")["hits"]
    assert faq_id not in [h["faq_id"] for h in hits]


def test_bad_csv_import_names_rows_and_changes_nothing(data_dir, tmp_path):
    before = run(data_dir, "faq", "export").stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer,intent,alternates,tags\nGood?,Yes.,shipping_info,,\nBad?,Yes.,weather,,\n")
    result = run(data_dir, "faq", "import", str(bad), code=2)
    assert "row 3: unknown intent 'weather'" in result.stderr
    assert run(data_dir, "faq", "export").stdout == before


def test_import_of_excel_csv_in_windows_1252(data_dir, tmp_path):
    excel = tmp_path / "faqs.csv"
    excel.write_bytes("question;answer;intent\r\nCan I pay in £?;Only in €, sorry.;payment_billing\r\n".encode("cp1252"))
    result = run(data_dir, "faq", "import", str(excel))
    assert "1 added" in result.stdout and "read as Windows-1252 text" in result.stdout
    hits = run_json(data_dir, "search", "Can I pay in £?")["hits"]
    assert hits[0]["answer"] == "Only in €, sorry."


def test_export_import_round_trip(data_dir, tmp_path):
    exported = tmp_path / "faqs.csv"
    run(data_dir, "faq", "export", str(exported))
    assert exported.read_text().splitlines()[0] == "question,answer,intent,alternates,tags,active"
    result = run(data_dir, "faq", "import", str(exported))
    assert " 0 added, 0 updated, " in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ask", ""), "The question is empty"),
        (("ask", "x" * 102_400), "102,400 characters long"),
        (("search", "delivery", "--intent", "weather"), "Unknown intent 'weather'"),
        (("faq", "edit", "999999", "--answer", "x"), "no FAQ entry with id 999999"),
        (("faq", "import", "/nonexistent/faqs.csv"), "Cannot read /nonexistent/faqs.csv: there is no such file"),
        (("faq", "import", "/"), "/ is a folder; name a file"),
        (("faq", "export", "/nonexistent/dir/faqs.csv"), "Cannot write /nonexistent/dir/faqs.csv: the folder /nonexistent/dir does not exist"),
        (("transcribe", "/nonexistent/note.ogg"), "'/nonexistent/note.ogg' is not there"),
        (("ask", "hi", "--audio", "/"), "'/' is a folder, not a voice note"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(data_dir, args, message):
    result = run(data_dir, *args, code=2)
    assert message in result.stderr
    assert no_traceback_of_ours(result.stderr)


def test_duplicate_question_is_refused(data_dir):
    result = run(data_dir, "faq", "add", "--question", "How long does delivery take within the EU?",
                 "--answer", "x", "--intent", "shipping_info", code=2)
    assert "already exists as FAQ entry" in result.stderr


def test_models_lists_the_text_encoder(data_dir):
    rows = run_json(data_dir, "models")
    assert rows[0]["role"] == "text encoder"
    assert rows[0]["name"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert rows[0]["device"] == "cpu"
    multilingual = next(row for row in rows if row["role"] == "multilingual text encoder")
    assert multilingual["name"].startswith("multilingual-e5-small") and multilingual["dtype"] == "int4"
