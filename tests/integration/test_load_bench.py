"""The load benchmark's accounting against a live server: every answered turn is stored, none failed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.runtime import Runtime
from assistant.settings import Settings
from bench.load import LoadOptions, measured_run, parse_mix
from bench.load_customers import TurnMaterials
from tests.live_server import running_server, seed_store

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served_store(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("load-store")
    seed_store(data_dir)
    runtime = Runtime.start(Settings(data_dir=data_dir, database_url=None))
    with running_server(runtime) as url:
        yield url, runtime.settings.resolved_database_url()


def test_two_customers_turns_are_all_answered_and_stored(served_store, tmp_path):
    url, database_url = served_store
    options = LoadOptions(customers=2, seconds=4.0, mix=parse_mix("text=3,photo=1"), think_seconds=0.2)
    materials = TurnMaterials.prepare(tmp_path / "materials", ("text", "photo"))
    # a thread of its own: the browser tests' Playwright keeps an event loop running in the main thread
    with ThreadPoolExecutor(max_workers=1) as worker:
        figures = worker.submit(measured_run, "test", url, materials, options, database_url).result()
    assert figures.errors == 0, figures.error_samples
    assert figures.turns >= 2 and figures.customers == 2
    assert figures.storage is not None and figures.storage.ok, figures.storage
    assert figures.storage.conversations == 2
    assert figures.storage.stored_customer_messages == figures.storage.stored_answers == figures.turns
    assert sum(k.turns for k in figures.kinds.values()) == figures.turns


def test_a_bad_turn_mix_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="unknown turn kind 'video'"):
        parse_mix("text=1,video=1")
    with pytest.raises(ValueError, match="not a number"):
        parse_mix("text=lots")
    with pytest.raises(ValueError, match="at least one turn kind with a positive share"):
        parse_mix("text=0")
    assert parse_mix("text=0.6, voice=0.4") == {"text": 0.6, "voice": 0.4}
