"""The chat's public API through gradio_client: the send handler and the JSON ``/ask`` endpoint."""

from __future__ import annotations

import pytest
from gradio_client import Client

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(live_server) -> Client:
    return Client(live_server.url + "/", verbose=False)


def test_send_returns_the_conversation_with_the_answer_and_its_source(client):
    cleared, history, conversation_id = client.predict(
        {"text": "Can I pay with PayPal?", "files": []}, [], None, api_name="/send"
    )
    assert conversation_id
    answer = history[-1]["content"][0]["text"]
    assert "PayPal" in answer and "Source: FAQ #" in answer
    assert cleared["value"] in (None, {"text": "", "files": []})


def test_ask_returns_the_reply_as_json_and_continues_a_conversation(client):
    first = client.predict("How long does delivery to Germany take?", None, api_name="/ask")
    assert first["action"] == "answer" and first["intent"] == "shipping_info"
    assert first["sources"][0]["question"] == "How long does delivery take within the EU?"
    second = client.predict("And can I pay with PayPal?", first["conversation_id"], api_name="/ask")
    assert second["conversation_id"] == first["conversation_id"]


def test_ask_reports_bad_input_as_a_short_error(client):
    with pytest.raises(Exception, match="The question is empty"):
        client.predict("   ", None, api_name="/ask")


def test_console_endpoints_are_not_part_of_the_public_api(client):
    names = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert names == {"/send", "/ask", "/talk_to_person"}
