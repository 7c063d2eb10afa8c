"""What a customer does on the chat page, in Playwright terms."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import ANSWER_TIMEOUT_MS


def open_chat(page, url: str) -> None:
    page.goto(url + "/")
    page.locator("#message textarea").wait_for()


def send(page, text: str = "", files: tuple[Path, ...] = ()) -> None:
    """Type and/or attach, then send; waits until the turn is answered."""
    if files:
        attach(page, *files)
    box = page.locator("#message textarea")
    box.fill(text)
    box.press("Enter")
    wait_for_answer(page)


def attach(page, *files: Path) -> None:
    page.locator("#message input[type=file]").set_input_files([str(f) for f in files])
    page.locator(ATTACHED).first.wait_for()


ATTACHED = "#message .thumbnail-item, #message audio, #message img"


def wait_for_answer(page) -> None:
    """The turn is over when the box is empty again (it keeps the message until the send starts), holds no
    attachment, is usable, no progress note is left, and the conversation ends with the assistant.

    Counting answers instead would be fooled by a stored conversation that a reload brings back late."""
    page.wait_for_function(
        """(attached) => {
            const box = document.querySelector('#message textarea');
            const rows = document.querySelectorAll('#conversation .message-row');
            const last = rows[rows.length - 1];
            return box && !box.disabled && box.value === '' && !document.querySelector(attached)
                && !document.querySelector('#conversation .thought-group')
                && last && last.classList.contains('bot-row');
        }""",
        arg=ATTACHED,
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
