"""The intent of a new FAQ entry whose import row names none, read by the intent router from its wordings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from assistant.errors import UserInputError
from assistant.routing import IntentRouter

NOT_FOR_ENTRIES = frozenset({"out_of_scope", "greeting", "thanks_goodbye"})
"""Turns routed to these never reach retrieval (a refusal or a short reply), so no entry is filed there."""


class RouterIntentGuesser:
    """Routes the question and each alternate wording, adds up their intents' probabilities and returns the
    best intent that entries can be filed under; None when the router ranks none of those.

    The router is loaded at the first guess, so an import whose rows all name their intent loads no model.
    """

    def __init__(self, load_router: Callable[[], IntentRouter | None]) -> None:
        self._load_router = load_router
        self._router: IntentRouter | None = None

    def __call__(self, wordings: Sequence[str]) -> str | None:
        totals: Counter[str] = Counter()
        for text in wordings:
            for intent, probability in self._router_or_error().predict(text=text).top_k:
                if intent not in NOT_FOR_ENTRIES:
                    totals[intent] += probability
        ranked = totals.most_common(1)
        return ranked[0][0] if ranked else None

    def _router_or_error(self) -> IntentRouter:
        if self._router is None:
            self._router = self._load_router()
        if self._router is None:
            raise UserInputError(
                "the intent is empty, and no intent router is trained for this store's intents yet to guess "
                "it: name the intent, or run `assistant train` first"
            )
        return self._router
