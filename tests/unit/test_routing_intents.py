from __future__ import annotations

from knowledge_base.db import session_scope
from knowledge_base.repositories.intents import list_intents
from knowledge_base.seed import add_routing_intents, load_json


def test_missing_routing_intents_are_added_once_and_existing_ones_are_kept(sessions):
    shipped = [item["name"] for item in load_json("intents.json")]
    with session_scope(sessions) as session:
        before = {i.name: i.description for i in list_intents(session=session)}
        added = add_routing_intents(session=session)
    assert added == len(set(shipped) - set(before)) > 0
    with session_scope(sessions) as session:
        assert add_routing_intents(session=session) == 0
        after = {i.name: i.description for i in list_intents(session=session)}
    assert set(after) == set(shipped) | set(before)
    assert all(after[name] == description for name, description in before.items())
