"""The store's own name (ASSISTANT_STORE_NAME) on the chat, the console and staff replies."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from assistant.settings import Settings
from knowledge_base.models import Message
from tests.unit.security_fixtures import light_runtime, light_store
from ui.app import build_app
from ui.chat import build_chat
from ui.chat_view import view_of
from ui.console import build_console


def test_the_store_name_titles_the_chat_the_console_and_signs_staff_replies(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", store_name="Acme Shoes", device="cpu")
    with light_store(tmp_path / "kb.db") as (sessions, retriever):
        runtime = light_runtime(settings, sessions, retriever)
        assert build_chat(runtime).title == "Acme Shoes help"
        assert build_console(runtime).title == "Acme Shoes staff console"
        assert build_app(runtime).title == "Acme Shoes assistant"
    staff_reply = Message(id=1, role="staff", text="Hi, Sam here.")
    assert view_of([staff_reply], store_name="Acme Shoes").history[-1]["content"] == "**Acme Shoes team:** Hi, Sam here."


@pytest.mark.parametrize("name", ["", "Acme **Shoes**", "Acme\nShoes", "x" * 81])
def test_a_store_name_that_would_break_the_page_is_refused(name):
    with pytest.raises(ValidationError, match="store_name"):
        Settings(store_name=name)
