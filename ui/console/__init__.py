"""Staff console: one tab per job, each built by its module's ``build_*_tab(runtime)``.

``build_console(runtime)`` returns the Blocks that the web server mounts behind the staff login.
"""

from __future__ import annotations

import gradio as gr

from assistant.runtime import Runtime
from ui.console.faq import build_faq_tab


def build_console(runtime: Runtime) -> gr.Blocks:
    with gr.Blocks(title="Ferngrove staff console") as console:
        gr.Markdown("## Ferngrove Apparel: staff console")
        with gr.Tabs():
            with gr.Tab("FAQ", id="faq"):
                build_faq_tab(runtime)
    return console
