"""Staff accounts: scrypt password hashes stored as self-describing strings, constant-time checks.

A stored hash reads ``scrypt$n=131072,r=8,p=1$<salt, base64>$<key, base64>``, so the cost parameters can be
raised later without breaking the hashes already stored: a hash made with other parameters still
verifies, and is replaced by one at today's cost at that account's next successful sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.errors import UserInputError
from knowledge_base.models import StaffUser, utcnow

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024


@dataclass(frozen=True)
class ScryptCost:
    """scrypt parameters. n=2**17, r=8, p=1 is OWASP's minimum for scrypt (Password Storage Cheat Sheet):
    each hash needs 128 * n * r = 128 MiB of memory, which is what makes guessing on GPUs and ASICs
    expensive, and about 0.4-1 s of one CPU core."""

    n: int = 2**17
    r: int = 8
    p: int = 1
    key_bytes: int = 32
    salt_bytes: int = 16


DEFAULT_COST = ScryptCost()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def memory_bytes(cost: ScryptCost) -> int:
    """Memory one hash needs (scrypt's V array)."""
    return 128 * cost.n * cost.r


def _derive(password: str, salt: bytes, cost: ScryptCost) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=cost.n, r=cost.r, p=cost.p,
        maxmem=256 * cost.n * cost.r, dklen=cost.key_bytes,
    )


def hash_password(password: str, *, cost: ScryptCost = DEFAULT_COST) -> str:
    salt = secrets.token_bytes(cost.salt_bytes)
    key = _derive(password, salt, cost)
    return f"scrypt$n={cost.n},r={cost.r},p={cost.p}${_b64(salt)}${_b64(key)}"


def stored_cost(stored: str) -> ScryptCost | None:
    """The parameters a stored hash was made with; None when it is not a scrypt hash of this format."""
    try:
        scheme, params, salt_text, key_text = stored.split("$")
        values = dict(item.split("=") for item in params.split(","))
        salt, key = base64.b64decode(salt_text), base64.b64decode(key_text)
        cost = ScryptCost(n=int(values["n"]), r=int(values["r"]), p=int(values["p"]), key_bytes=len(key),
                          salt_bytes=len(salt))
    except (ValueError, KeyError):
        return None
    return cost if scheme == "scrypt" else None


def needs_rehash(stored: str, cost: ScryptCost = DEFAULT_COST) -> bool:
    return stored_cost(stored) != cost


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; malformed hashes never match."""
    cost = stored_cost(stored)
    if cost is None:
        return False
    _, _, salt_text, key_text = stored.split("$")
    try:
        derived = _derive(password, base64.b64decode(salt_text), cost)
    except (ValueError, MemoryError):  # parameters scrypt refuses (n not a power of two, too much memory)
        return False
    return hmac.compare_digest(derived, base64.b64decode(key_text))


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserInputError(
            f"The password has {len(password)} characters; use at least {MIN_PASSWORD_CHARS}."
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserInputError(f"The password is longer than {MAX_PASSWORD_CHARS} characters; use a shorter one.")


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise UserInputError(
            f"The username {username!r} is not usable: use 3 to 64 characters, letters, digits, '.', '_' "
            "or '-', starting with a letter or digit."
        )
    return name


def find_staff(*, session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))


def add_staff(
    *, session: Session, username: str, password: str, display_name: str = "", is_admin: bool = False
) -> StaffUser:
    """A new staff account; refuses a taken username and passwords shorter than MIN_PASSWORD_CHARS."""
    name = normalise_username(username)
    check_new_password(password)
    if find_staff(session=session, username=name) is not None:
        raise UserInputError(f"The username {name!r} is taken; choose another or change that account's password.")
    user = StaffUser(
        username=name, password_hash=hash_password(password), display_name=display_name.strip() or name,
        is_admin=is_admin,
    )
    session.add(user)
    session.flush()
    return user


def set_password(*, session: Session, username: str, password: str) -> StaffUser:
    user = find_staff(session=session, username=username)
    if user is None:
        raise UserInputError(f"There is no staff account {username!r}.")
    check_new_password(password)
    user.password_hash = hash_password(password)
    session.flush()
    return user


def authenticate_staff(*, session: Session, username: str, password: str) -> StaffUser | None:
    """The account when the password matches (its last login is recorded), else None.

    Unknown usernames still cost one hash, so response times do not reveal which accounts exist.
    """
    user = find_staff(session=session, username=username or "")
    if user is None:
        verify_password(password or "", _UNKNOWN_USER_HASH)
        return None
    if not verify_password(password or "", user.password_hash):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


_UNKNOWN_USER_HASH = (
    f"scrypt$n={DEFAULT_COST.n},r={DEFAULT_COST.r},p={DEFAULT_COST.p}$"
    f"{_b64(bytes(DEFAULT_COST.salt_bytes))}${_b64(bytes(DEFAULT_COST.key_bytes))}"
)
"""Checked against when the username is unknown, so that costs the same hash as a wrong password."""
