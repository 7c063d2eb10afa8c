"""Staff console: one tab per job, each built by its module's ``build_*_tab(runtime)``.

``build_console(runtime)`` returns the Blocks that the web server mounts behind the staff login.
"""

from __future__ import annotations

import gradio as gr

from assistant.runtime import Runtime
from ui.console.analytics import build_analytics_tab
from ui.console.catalogue import build_catalogue_tab
from ui.console.faq import build_faq_tab
from ui.console.inbox import build_inbox_tab
from ui.console.retrain import build_retrain_tab
from ui.console.test_console import build_test_console_tab
from ui.console.unanswered import build_unanswered_tab

TABS = (
    ("FAQ", "faq", build_faq_tab),
    ("Test console", "test", build_test_console_tab),
    ("Unanswered", "unanswered", build_unanswered_tab),
    ("Hand-off inbox", "inbox", build_inbox_tab),
    ("Analytics", "analytics", build_analytics_tab),
    ("Products and orders", "catalogue", build_catalogue_tab),
    ("Retraining", "retrain", build_retrain_tab),
)


def build_console(runtime: Runtime) -> gr.Blocks:
    store = runtime.settings.store_name
    with gr.Blocks(title=f"{store} staff console") as console:
        gr.Markdown(f"## {store}: staff console")
        with gr.Tabs():
            for label, tab_id, build_tab in TABS:
                with gr.Tab(label, id=tab_id, elem_id=f"tab-{tab_id}"):
                    build_tab(runtime)
    return console
