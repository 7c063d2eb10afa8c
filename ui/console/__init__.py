"""Staff console: one tab per job, each built by its module's ``build_*_tab(runtime)``.

``build_console(runtime)`` returns the Blocks that the web server mounts behind the staff login.
"""

from __future__ import annotations

import gradio as gr

from assistant.runtime import Runtime


def build_console(runtime: Runtime) -> gr.Blocks:
    with gr.Blocks(title="Ferngrove staff console") as console:
        gr.Markdown("## Ferngrove Apparel: staff console")
        with gr.Tabs():
            pass
    return console
