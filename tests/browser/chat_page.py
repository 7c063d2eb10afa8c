"""What a customer does on the chat page, in Playwright terms."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import ANSWER_TIMEOUT_MS


def open_chat(page, url: str) -> None:
    page.goto(url + "/")
    page.locator("#message textarea").wait_for()


def send(page, text: str = "", files: tuple[Path, ...] = ()) -> None:
    """Type and/or attach, then send; waits until the turn is answered (the input is usable again)."""
    if files:
        page.locator("#message input[type=file]").set_input_files([str(f) for f in files])
        page.locator("#message").get_by_role("img").or_(page.locator("#message audio")).first.wait_for()
    box = page.locator("#message textarea")
    box.fill(text)
    before = assistant_messages(page).count()
    box.press("Enter")
    wait_for_answer(page, before)


def wait_for_answer(page, before: int) -> None:
    page.wait_for_function(
        """([before]) => {
            const bots = document.querySelectorAll('#conversation .bot-row');
            const box = document.querySelector('#message textarea');
            const pending = document.querySelector('#conversation .thought-group');
            return box && !box.disabled && bots.length > before && !pending;
        }""",
        arg=[before],
        timeout=ANSWER_TIMEOUT_MS,
    )


def assistant_messages(page):
    return page.locator("#conversation .bot-row")


def last_answer(page) -> str:
    return assistant_messages(page).last.inner_text()


def conversation_text(page) -> str:
    return page.locator("#conversation").inner_text()


def rate_last_answer(page, button: str = "Dislike") -> None:
    """Click the thumb ("Like" or "Dislike") under the newest answer (the buttons sit beside the bubble)."""
    page.locator("#conversation").get_by_role("button", name=button).last.click()
