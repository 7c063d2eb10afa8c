"""In-process rate limits: failed staff sign-ins (lockout) and chat messages per session (sliding window).

Both keep a few timestamps per key in memory, so they hold per server process; keys that have nothing left
to count are dropped as they are met, and the oldest keys go first when ``max_keys`` is reached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass(frozen=True)
class LockoutPolicy:
    """``max_failures`` failures within ``window_seconds`` lock a key for ``lockout_seconds``."""

    max_failures: int = 5
    window_seconds: float = 900.0
    lockout_seconds: float = 900.0


class _Windows:
    """Timestamps per key, oldest key first; thread-safe through the owner's lock."""

    def __init__(self, max_keys: int) -> None:
        self.max_keys = max_keys
        self.times: OrderedDict[Hashable, deque[float]] = OrderedDict()

    def recent(self, key: Hashable, since: float) -> deque[float]:
        stamps = self.times.get(key)
        if stamps is None:
            return deque()
        while stamps and stamps[0] <= since:
            stamps.popleft()
        if not stamps:
            del self.times[key]
        return stamps

    def add(self, key: Hashable, when: float) -> None:
        stamps = self.times.setdefault(key, deque())
        stamps.append(when)
        self.times.move_to_end(key)
        while len(self.times) > self.max_keys:
            self.times.popitem(last=False)


class FailureLimiter:
    """Counts failures per key; a key with too many recent failures is locked for the lockout period."""

    def __init__(self, policy: LockoutPolicy, *, clock: Clock = time.monotonic, max_keys: int = 100_000) -> None:
        self.policy = policy
        self.clock = clock
        self._failures = _Windows(max_keys)
        self._locked_until: dict[Hashable, float] = {}
        self._lock = threading.Lock()

    def seconds_locked(self, key: Hashable) -> float:
        """How long ``key`` stays locked; 0 when it may try."""
        now = self.clock()
        with self._lock:
            until = self._locked_until.get(key, 0.0)
            if until <= now:
                self._locked_until.pop(key, None)
                return 0.0
            return until - now

    def record_failure(self, key: Hashable) -> None:
        now = self.clock()
        with self._lock:
            self._failures.add(key, now)
            recent = self._failures.recent(key, now - self.policy.window_seconds)
            if len(recent) >= self.policy.max_failures:
                self._locked_until[key] = now + self.policy.lockout_seconds
                self._failures.times.pop(key, None)

    def clear(self, key: Hashable) -> None:
        with self._lock:
            self._failures.times.pop(key, None)


class MessageLimiter:
    """At most ``max_messages`` per key within any ``window_seconds``."""

    def __init__(self, max_messages: int, window_seconds: float, *, clock: Clock = time.monotonic,
                 max_keys: int = 100_000) -> None:
        self.max_messages = max_messages
        self.window_seconds = window_seconds
        self.clock = clock
        self._sent = _Windows(max_keys)
        self._lock = threading.Lock()

    def try_send(self, keys: tuple[Hashable, ...]) -> float:
        """Counts one message for every key and returns 0, or, when any key is at its limit, counts
        nothing and returns the seconds until that key may send again."""
        now = self.clock()
        with self._lock:
            waits = []
            for key in keys:
                recent = self._sent.recent(key, now - self.window_seconds)
                if len(recent) >= self.max_messages:
                    waits.append(recent[0] + self.window_seconds - now)
            if waits:
                return max(waits)
            for key in keys:
                self._sent.add(key, now)
            return 0.0

    def count(self, key: Hashable) -> None:
        """Counts one message already sent for ``key`` (a conversation the message itself started)."""
        with self._lock:
            self._sent.add(key, self.clock())
