"""What a staff member does on the console, in Playwright terms."""

from __future__ import annotations


def sign_in(page, url: str, username: str, password: str) -> None:
    page.goto(url + "/admin/")
    page.get_by_label("username").fill(username)
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="Login").click()


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()


def click_row(page, table_id: str, text: str) -> None:
    """Click the first cell of the table row that shows ``text``."""
    row = page.locator(f"#{table_id} [role=row]", has_text=text).first
    row.wait_for()
    row.locator("[role=gridcell]").first.click()
