"""Every chat handler that runs a model shares one concurrency limit."""

from __future__ import annotations

from assistant.runtime import Runtime
from assistant.settings import DEFAULT_MODEL_CONCURRENCY, Settings
from ui.chat import MODELS_CONCURRENCY_ID, build_chat
from tests import databases


def test_model_concurrency_has_one_default_and_can_be_set(tmp_path):
    assert Settings(data_dir=tmp_path).resolved_model_concurrency("cpu") == DEFAULT_MODEL_CONCURRENCY
    assert Settings(data_dir=tmp_path).resolved_model_concurrency("cuda") == DEFAULT_MODEL_CONCURRENCY
    assert Settings(data_dir=tmp_path, model_concurrency=3).resolved_model_concurrency("cpu") == 3


def test_handlers_that_run_models_share_one_limit_and_light_ones_skip_the_queue(tmp_path):
    chat = build_chat(Runtime(databases.current().settings_for(tmp_path, model_concurrency=2, device="cpu")))
    by_name = {fn.name: fn for fn in chat.fns.values()}
    heavy = [by_name["on_send"], by_name["on_option"], by_name["ask"]]
    assert {(fn.concurrency_id, fn.concurrency_limit) for fn in heavy} == {(MODELS_CONCURRENCY_ID, 2)}
    light = [by_name[name] for name in ("on_like", "on_person", "on_load", "on_tick", "on_clear")]
    assert not any(fn.queue for fn in light)
