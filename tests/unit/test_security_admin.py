"""Every route of the staff console, enumerated from the mounted app, refuses anonymous requests; the
customer chat's public routes still answer; secrets stay on the server."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from knowledge_base.db import session_scope
from knowledge_base.repositories.staff import add_staff
from assistant.settings import Settings
from tests.unit.security_fixtures import light_runtime, light_store
from ui.app import CONSOLE_PATH, build_app, mounted_app
from ui.chat import browser_state_key
from ui.console_guard import LOGIN_PATHS, PUBLIC_PATHS, PUBLIC_PREFIXES

CONSOLE_MARKERS = ("Ferngrove Apparel: staff console", "Hand-off inbox", "faq-table", "inbox-reply")
STAFF, PASSWORD = "sam", "a long enough secret"
SECRET = "an operator's session secret 7f3a"


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return Settings(data_dir=tmp_path_factory.mktemp("web") / "data", session_secret=SECRET, device="cpu")


@pytest.fixture(scope="module")
def app(settings):
    with light_store(settings.data_dir.parent / "kb.db") as (sessions, retriever):
        runtime = light_runtime(settings, sessions, retriever)
        with session_scope(sessions) as session:
            add_staff(session=session, username=STAFF, password=PASSWORD)
        yield build_app(runtime)


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


def console_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route the console's Gradio app defines, path parameters filled in."""
    found = []

    def walk(routes):
        for route in routes:
            inner = getattr(route, "original_router", None) or getattr(route, "app", None)
            if getattr(inner, "routes", None) is not None and not hasattr(route, "methods"):
                walk(inner.routes)
            for method in sorted(getattr(route, "methods", None) or ()):
                found.append((method, re.sub(r"\{[^}]+\}", "x", route.path)))

    walk(mounted_app(app, CONSOLE_PATH).routes)
    return sorted(set(found))


def is_public(method: str, path: str) -> bool:
    if method == "POST":
        return path in LOGIN_PATHS
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def test_the_enumeration_covers_the_console_api(app):
    paths = {path for _, path in console_routes(app)}
    for expected in ("/config", "/gradio_api/info", "/gradio_api/queue/join", "/gradio_api/upload",
                     "/gradio_api/file=x", "/gradio_api/call/x", "/gradio_api/run/x",
                     "/gradio_api/heartbeat/x", "/gradio_api/stream/x", "/monitoring"):
        assert expected in paths
    assert len(paths) > 60


def test_every_console_route_refuses_anonymous_requests(app, client):
    checked = 0
    for method, path in console_routes(app):
        if is_public(method, path):
            continue
        response = client.request(method, CONSOLE_PATH + path, json={"data": [], "fn_index": 0})
        assert response.status_code == 401, (method, path, response.status_code, response.text[:200])
        assert not any(marker in response.text for marker in CONSOLE_MARKERS)
        checked += 1
    assert checked > 50


def test_the_public_console_routes_carry_no_console_content(app, client):
    public = [(m, p) for m, p in console_routes(app) if is_public(m, p)]
    assert ("GET", "/") in public and ("POST", "/login") in public
    for method, path in public:
        response = client.request(method, CONSOLE_PATH + path, follow_redirects=False)
        assert not any(marker in response.text for marker in CONSOLE_MARKERS), (method, path)


def test_each_console_api_endpoint_by_name_is_refused(app, client):
    console = mounted_app(app, CONSOLE_PATH).get_blocks()
    names = [fn.api_name for fn in console.fns.values() if fn.api_name]
    assert len(names) > 10
    for name in names:
        for route in (f"/gradio_api/call/{name}", f"/gradio_api/run/{name}", f"/gradio_api/api/{name}"):
            response = client.post(CONSOLE_PATH + route, json={"data": []})
            assert response.status_code == 401, (route, response.status_code)
    for fn_index in console.fns:
        body = {"data": [], "fn_index": fn_index, "session_hash": "anonymous"}
        assert client.post(CONSOLE_PATH + "/gradio_api/queue/join", json=body).status_code == 401


def test_anonymous_websocket_to_the_console_is_closed(client):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect), client.websocket_connect(CONSOLE_PATH + "/gradio_api/queue/join"):
        pass


def test_signed_in_staff_reach_the_console_and_its_api(client):
    assert client.post(CONSOLE_PATH + "/login", data={"username": STAFF, "password": PASSWORD}).status_code == 200
    config = client.get(CONSOLE_PATH + "/config")
    assert config.status_code == 200 and "Ferngrove Apparel staff console" in config.text
    assert client.get(CONSOLE_PATH + "/gradio_api/info").status_code == 200


def test_a_forged_session_cookie_is_refused(app, client):
    console = mounted_app(app, CONSOLE_PATH)
    client.cookies.set(f"access-token-unsecure-{console.cookie_id}", "made-up-token")
    assert client.get(CONSOLE_PATH + "/config").status_code == 401


def test_the_customer_chat_stays_public(client, tmp_path):
    config = client.get("/config")
    assert config.status_code == 200 and "Ferngrove Apparel help" in config.text
    assert client.get("/gradio_api/info").status_code == 200
    picture = tmp_path / "p.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    with picture.open("rb") as handle:
        uploaded = client.post("/gradio_api/upload", files={"files": ("p.png", handle, "image/png")})
    assert uploaded.status_code == 200 and len(uploaded.json()) == 1


def test_no_schema_routes_are_served(client):
    for path in ("/openapi.json", "/docs", CONSOLE_PATH + "/openapi.json"):
        assert client.get(path).status_code in (401, 404), path


def test_the_session_secret_never_reaches_the_browser(client, settings):
    config = client.get("/config").text
    assert SECRET not in config
    key = browser_state_key(settings)
    assert key in config  # what the browser gets is a key derived from it
    assert key == browser_state_key(settings.model_copy())  # stable across restarts
    assert key != browser_state_key(settings.model_copy(update={"session_secret": "another secret"}))


def test_secrets_are_read_from_settings_and_kept_out_of_logs(settings, monkeypatch):
    monkeypatch.setenv("ASSISTANT_SESSION_SECRET", "from-the-environment")
    monkeypatch.setenv("ASSISTANT_DEMO_STAFF_PASSWORD", "demo password from env")
    loaded = Settings(data_dir=settings.data_dir)
    assert loaded.session_secret == "from-the-environment"
    assert loaded.demo_staff_password == "demo password from env"
    assert "from-the-environment" not in repr(loaded) and "demo password" not in repr(loaded)
