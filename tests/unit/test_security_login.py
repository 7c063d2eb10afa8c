"""Staff sign-in: memory-hard hashes, lockout after repeated failures per username and per address."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from knowledge_base.db import session_scope
from knowledge_base.repositories.staff import (
    DEFAULT_COST,
    ScryptCost,
    add_staff,
    authenticate_staff,
    find_staff,
    hash_password,
    memory_bytes,
    needs_rehash,
)
from tests.unit.security_fixtures import light_runtime, light_store
from ui.app import build_app
from ui.rate_limits import FailureLimiter, LockoutPolicy

PASSWORD = "a long enough secret"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_default_hash_is_memory_hard_at_owasp_minimum():
    assert (DEFAULT_COST.n, DEFAULT_COST.r, DEFAULT_COST.p) == (2**17, 8, 1)
    assert memory_bytes(DEFAULT_COST) == 128 * 2**20
    assert hash_password("x" * 12).startswith("scrypt$n=131072,r=8,p=1$")


def test_an_older_cheaper_hash_still_verifies_and_is_upgraded_at_sign_in(sessions):
    with session_scope(sessions) as session:
        user = add_staff(session=session, username="olga", password=PASSWORD)
        user.password_hash = hash_password(PASSWORD, cost=ScryptCost(n=2**14))
    with session_scope(sessions) as session:
        assert authenticate_staff(session=session, username="olga", password=PASSWORD) is not None
    with session_scope(sessions) as session:
        stored = find_staff(session=session, username="olga").password_hash
    assert stored.startswith("scrypt$n=131072,") and not needs_rehash(stored)


def test_failures_lock_a_key_for_the_cool_down_and_then_release_it():
    clock = FakeClock()
    limiter = FailureLimiter(LockoutPolicy(max_failures=3, window_seconds=60, lockout_seconds=300), clock=clock)
    for _ in range(2):
        limiter.record_failure("sam")
    assert limiter.seconds_locked("sam") == 0
    limiter.record_failure("sam")
    assert limiter.seconds_locked("sam") == 300
    assert limiter.seconds_locked("other") == 0
    clock.now += 299
    assert limiter.seconds_locked("sam") == pytest.approx(1)
    clock.now += 2
    assert limiter.seconds_locked("sam") == 0


def test_failures_outside_the_window_do_not_add_up_and_success_clears_them():
    clock = FakeClock()
    limiter = FailureLimiter(LockoutPolicy(max_failures=3, window_seconds=60, lockout_seconds=300), clock=clock)
    limiter.record_failure("sam")
    limiter.record_failure("sam")
    clock.now += 61
    limiter.record_failure("sam")
    assert limiter.seconds_locked("sam") == 0
    limiter.record_failure("sam")
    limiter.clear("sam")
    limiter.record_failure("sam")
    assert limiter.seconds_locked("sam") == 0


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """The web app with sign-in limits of 3 failures per username and 5 per address."""
    data = tmp_path_factory.mktemp("login") / "data"
    settings = Settings(data_dir=data, device="cpu", login_max_failures=3, login_max_failures_per_address=5)
    with light_store(data.parent / "kb.db") as (sessions, retriever):
        runtime = light_runtime(settings, sessions, retriever)
        with session_scope(sessions) as session:
            for name in ("sam", "kim", "lee"):
                add_staff(session=session, username=name, password=PASSWORD)
        yield build_app(runtime)


def sign_in(web, username: str, password: str, address: str = "203.0.113.7"):
    with TestClient(web, client=(address, 50000)) as client:
        return client.post("/admin/login", data={"username": username, "password": password})


@pytest.mark.slow  # a dozen 128 MiB scrypt hashes
def test_a_username_is_locked_after_repeated_failures_even_for_the_right_password(web):
    assert sign_in(web, "sam", PASSWORD).status_code == 200
    for _ in range(3):
        assert sign_in(web, "sam", "wrong password!").status_code == 400
    refused = sign_in(web, "sam", PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.json()["detail"] and "15 minutes" in refused.json()["detail"]
    assert int(refused.headers["retry-after"]) > 800
    assert sign_in(web, "SAM ", PASSWORD).status_code == 429  # the same account however it is typed
    assert sign_in(web, "kim", PASSWORD).status_code == 200  # other accounts are not locked


@pytest.mark.slow
def test_an_address_is_locked_after_failures_across_usernames(web):
    address = "198.51.100.23"
    for name in ("nobody-1", "nobody-2", "nobody-3", "nobody-4", "nobody-5"):
        assert sign_in(web, name, "guess guess guess", address).status_code == 400
    assert sign_in(web, "lee", PASSWORD, address).status_code == 429
    with TestClient(web, client=(address, 50000)) as client:
        login_form = client.get("/admin/config")
    assert login_form.status_code == 401
    assert "Too many failed sign-ins" in login_form.json()["detail"]["auth_message"]
    assert sign_in(web, "lee", PASSWORD, "192.0.2.50").status_code == 200  # from elsewhere it works
