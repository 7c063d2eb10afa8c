"""`assistant ask --conversation ID` carries one conversation over several turns (real packaged models)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import ask, no_traceback_of_ours, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store")
    run(path, "seed")
    return path




def test_order_number_asked_given_and_remembered_across_turns(data_dir):
    first = ask(data_dir, "Where is my order?")
    assert (first["intent"], first["action"]) == ("order_status", "ask_order_number")
    assert {"intent", "confidence", "action", "order_number", "handoff_ticket_id", "top_intents",
            "out_of_scope", "router"} <= set(first)
    conversation = first["conversation_id"]
    second = ask(data_dir, "FG-104280", "--conversation", conversation)
    assert (second["action"], second["order_number"]) == ("order_status", "FG-104280")
    assert "JJD0092635935083678478" in second["reply"]
    third = ask(data_dir, "When will my order arrive?", "--conversation", conversation)
    assert third["conversation_id"] == conversation
    assert (third["action"], third["order_number"]) == ("order_status", "FG-104280")
    assert "27 November 2026" in third["reply"]


def test_asking_for_a_person_opens_a_ticket(data_dir):
    reply = ask(data_dir, "How can I talk to a person?")
    assert reply["action"] == "handoff" and isinstance(reply["handoff_ticket_id"], int)


def test_unknown_conversation_id_is_a_clear_error(data_dir):
    result = run(data_dir, "ask", "hello", "--conversation", "no-such-id", code=2)
    assert "error: There is no conversation 'no-such-id'" in result.stderr and no_traceback_of_ours(result.stderr)


def test_a_message_in_another_alphabet_is_understood_by_its_meaning(data_dir):
    reply = ask(data_dir, "我的订单在哪里？")  # "where is my order?"
    assert (reply["action"], reply["router"]) == ("ask_order_number", "multilingual")
    status = ask(data_dir, "FG-104280", "--conversation", reply["conversation_id"])
    assert (status["action"], status["order_number"]) == ("order_status", "FG-104280")


def test_another_alphabet_with_no_entry_near_asks_for_english_then_a_person(data_dir):
    first = ask(data_dir, "какая столица Канады?")
    assert first["action"] == "no_match" and "only read messages written in English" in first["reply"]
    second = ask(data_dir, "как обновить Windows на ноутбуке?", "--conversation", first["conversation_id"])
    assert second["action"] == "handoff" and isinstance(second["handoff_ticket_id"], int)


def test_with_the_email_check_the_order_is_told_once_its_email_address_is_given(data_dir, monkeypatch):
    monkeypatch.setenv("ASSISTANT_ORDER_CHECK", "email")
    first = ask(data_dir, "Where is my order FG-104280?")
    assert first["action"] == "ask_order_email" and "JJD0092635935083678478" not in first["reply"]
    conversation = first["conversation_id"]
    wrong = ask(data_dir, "it's someone.else@example.com", "--conversation", conversation)
    assert wrong["action"] == "order_email_mismatch" and "JJD0092635935083678478" not in wrong["reply"]
    right = ask(data_dir, "sorry, I meant Kacper.Nowak@example.net", "--conversation", conversation)
    assert (right["action"], right["order_number"]) == ("order_status", "FG-104280")
    assert "JJD0092635935083678478" in right["reply"]



def test_a_product_named_in_words_gets_its_details_and_a_vague_name_the_faq(data_dir):
    reply = ask(data_dir, "how much is the Suede Chelsea Boot? do you have it in size 44")
    assert reply["action"] == "product"
    assert reply["reply"].startswith("Our Suede Chelsea Boot (Ankle boot, SKU FG-AB-002), EUR 159.95.")
    assert "Size 44 is in stock." in reply["reply"]
    assert ask(data_dir, "Do the Chelsea boots run true to size?")["action"] == "answer"
