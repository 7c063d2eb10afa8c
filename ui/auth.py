"""The staff login that guards the console: accounts from the database, checked in constant time."""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.runtime import Runtime
from knowledge_base.db import session_scope
from knowledge_base.repositories.staff import authenticate_staff

log = logging.getLogger(__name__)

LOGIN_MESSAGE = "Staff sign-in. Accounts are created with `assistant staff add USERNAME`."


def staff_login(runtime: Runtime) -> Callable[[str, str], bool]:
    """A Gradio auth callable: True when the username and password belong to a staff account."""

    def check(username: str, password: str) -> bool:
        with session_scope(runtime.sessions) as session:
            user = authenticate_staff(session=session, username=username, password=password)
        if user is None:
            log.warning("refused a staff sign-in as %r", username)
            return False
        return True

    return check
