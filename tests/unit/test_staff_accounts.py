"""Staff accounts: scrypt hashes, sign-in checks and the refusals a person can act on."""

from __future__ import annotations

import pytest

from knowledge_base.db import session_scope
from knowledge_base.errors import UserInputError
from knowledge_base.repositories.staff import (
    ScryptCost,
    add_staff,
    authenticate_staff,
    find_staff,
    hash_password,
    set_password,
    verify_password,
)

FAST = ScryptCost(n=2**10)


def test_hash_is_self_describing_salted_and_verifies():
    first, second = hash_password("correct horse battery", cost=FAST), hash_password("correct horse battery", cost=FAST)
    assert first.startswith("scrypt$n=1024,r=8,p=1$")
    assert first != second  # a random salt each time
    assert verify_password("correct horse battery", first)
    assert not verify_password("correct horse batterY", first)


@pytest.mark.parametrize("stored", ["", "plain-text", "bcrypt$x$y$z", "scrypt$n=abc$AA==$AA==", "scrypt$n=1024$AA==$AA=="])
def test_malformed_hashes_never_match(stored):
    assert not verify_password("anything at all", stored)


def test_password_is_never_stored_in_clear(sessions):
    with session_scope(sessions) as session:
        user = add_staff(session=session, username="Alice", password="a long enough secret", display_name="Alice B")
        assert user.username == "alice"
        assert "a long enough secret" not in user.password_hash
        assert user.password_hash.startswith("scrypt$")


def test_authenticate_checks_the_password_and_records_the_login(sessions):
    with session_scope(sessions) as session:
        add_staff(session=session, username="bob", password="a long enough secret")
    with session_scope(sessions) as session:
        assert authenticate_staff(session=session, username="bob", password="wrong password!") is None
        assert authenticate_staff(session=session, username="nobody", password="a long enough secret") is None
        user = authenticate_staff(session=session, username="BOB ", password="a long enough secret")
        assert user is not None and user.last_login_at is not None


def test_set_password_replaces_the_old_one(sessions):
    with session_scope(sessions) as session:
        add_staff(session=session, username="carol", password="first password 1")
        set_password(session=session, username="carol", password="second password 2")
        assert authenticate_staff(session=session, username="carol", password="first password 1") is None
        assert authenticate_staff(session=session, username="carol", password="second password 2") is not None


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("dave", "short", "use at least 10"),
        ("x", "a long enough secret", "3 to 64 characters"),
        ("has space", "a long enough secret", "is not usable"),
        ("dave", "y" * 2000, "longer than 1024"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(sessions, username, password, message):
    with session_scope(sessions) as session, pytest.raises(UserInputError, match=message):
        add_staff(session=session, username=username, password=password)


def test_taken_username_is_refused(sessions):
    with session_scope(sessions) as session:
        add_staff(session=session, username="erin", password="a long enough secret")
    with session_scope(sessions) as session, pytest.raises(UserInputError, match="is taken"):
        add_staff(session=session, username="Erin", password="another long secret")
    with session_scope(sessions) as session:
        assert find_staff(session=session, username="erin") is not None


def test_new_password_for_a_missing_account_is_refused(sessions):
    with session_scope(sessions) as session, pytest.raises(UserInputError, match="no staff account"):
        set_password(session=session, username="ghost", password="a long enough secret")
