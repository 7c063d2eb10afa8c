"""The console at /admin: anonymous visitors get a login form and no console content or API."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.console_page import sign_in

pytestmark = pytest.mark.slow

CONSOLE_TITLE = "Ferngrove Apparel: staff console"


def http(url: str, *, data: dict | None = None) -> tuple[int, str]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_anonymous_visitor_sees_only_the_login_form(live_server, page, shot):
    page.goto(live_server.url + "/admin/")
    page.get_by_role("button", name="Login").wait_for()
    shot(page, "login-form")
    assert CONSOLE_TITLE not in page.content()
    assert page.get_by_role("tab", name="FAQ").count() == 0


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/admin/config", None),
        ("/admin/gradio_api/info", None),
        ("/admin/gradio_api/queue/join", {"data": [], "fn_index": 0, "session_hash": "anonymous"}),
        ("/admin/gradio_api/run/predict", {"data": [], "fn_index": 0, "session_hash": "anonymous"}),
    ],
)
def test_anonymous_requests_to_the_console_api_are_refused(live_server, path, payload):
    status, body = http(live_server.url + path, data=payload)
    assert status == 401, (status, body[:200])
    assert CONSOLE_TITLE not in body


def test_console_page_itself_carries_no_console_content(live_server):
    status, body = http(live_server.url + "/admin/")
    assert status == 200
    assert CONSOLE_TITLE not in body and "faq-table" not in body


def test_wrong_password_is_refused(live_server, page, shot):
    sign_in(page, live_server.url, live_server.staff_user, "not the password")
    page.get_by_text("Incorrect Credentials").wait_for()
    shot(page, "refused")
    assert CONSOLE_TITLE not in page.content()


def test_staff_sign_in_opens_the_console(live_server, page, shot):
    sign_in(page, live_server.url, live_server.staff_user, live_server.staff_password)
    page.get_by_text(CONSOLE_TITLE).wait_for()
    shot(page, "console")
    expect(page.get_by_role("tab", name="FAQ")).to_have_count(1)  # waits: the tabs render after the title


def test_customer_chat_needs_no_login(live_server):
    status, body = http(live_server.url + "/config")
    assert status == 200 and "Ferngrove Apparel help" in body
