"""What the assistant does with one turn: the routed intent, the ranked FAQ hits, the order and the product
in play, and what the conversation remembers -> one action with its reply text.

Precedence (first that applies):

1. the assistant asked for an order number and this turn carries one, or for the order's email address
   and this turn carries one -> ``order_status`` / ``order_not_found`` (with the email check:
   ``ask_order_email`` / ``order_email_mismatch``), whatever the turn alone would route to; a turn of only emoji or punctuation
   (no picture) -> ``no_match``, asking for words; a turn written mostly in another alphabet than the
   Latin one (no picture) -> ``no_match``, asking for English, as the text models cannot read it (or,
   when it carries an order number, that order's status);
2. ``human_agent`` -> ``handoff`` (with the curated answer too when one matches confidently, e.g. the
   opening hours);
3. a photo that matches a catalogue product (or words that name one by its SKU or its whole name), with
   words whose best intent is ``product_question``, ``promotions`` ("how much is this?") or
   ``out_of_scope`` -> ``product``: the photo (or the name) says what the question is about;
4. out of scope (a router's ``out_of_scope`` flag or intent) -> ``out_of_scope``, a polite refusal; but
   when the router's best intent was one of the shop's and only its low confidence made the turn out of
   scope, step 7 answers or offers the closest entries instead, and an FAQ entry whose question the turn
   nearly copies (hybrid score at least ``near_match``) answers it: an entry added after the router was
   trained is answered before the next retraining; so is a turn close in meaning to one of the store's own
   entries, not the demo store's (``OWN_ENTRY_COSINE``), or it is offered the closest entries;
5. ``greeting`` -> ``greeting``, ``thanks_goodbye`` -> ``goodbye``: short replies;
6. ``order_status`` (or ``shipping_info`` with ``order_status`` ranked second at 0.2 or more, while an
   order number is in play) -> the order's status (``order_status``), ``order_not_found``, or ``ask_order_number``
   when no number was given in this or an earlier turn; but a store's own entry (not the demo store's) that
   answers the turn confidently is given instead, with an offer to check the order once its number comes.
   With the email check (``StoreStyle``), an order not yet told in this conversation is told only once the
   customer has given its email address too;
7. retrieval -> ``answer`` when confident, else ``clarify`` with the closest entries, or ``no_match``.

Words in another language than English (``multilingual``) that steps 1 to 7 would refuse, clarify or
not match, or greet or say goodbye to, get the status of an order whose number they carry; else a greeting
or thanks gets its short reply, and otherwise the entry nearest in meaning across languages acts as the
routed intent with the entries as hits (steps 2 to 7 again; a greeting or goodbye is replaced only by a
confident entry).

A failed turn is ``clarify`` or ``no_match``; the second in a row becomes a ``handoff`` instead.
Retrieval routing (no router configured) carries no intent to act on when its best hit is not confident:
such turns go straight to step 7, and it never refuses as out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from assistant.orders import (
    OrderNumberFormat,
    ask_order_email_text,
    ask_order_number_text,
    describe_order,
    email_mismatch_text,
    order_lookup_offer_text,
    unknown_order_text,
)
from assistant.types import IntentPrediction, SearchResult, Source
from knowledge_base.models import Order, Product

NO_MATCH_TEXT = (
    "I'm sorry, I couldn't find an answer to that in our help centre. "
    "Could you tell me a bit more, or ask to talk to a person?"
)
NO_WORDS_TEXT = (
    "I can only read words, not symbols or emoji. Could you tell me in a few words what you need, or ask "
    "to talk to a person?"
)
CLARIFY_TEXT = "I'm not completely sure what you mean. Is it one of these?"
PICTURE_ONLY_TEXT = "Thanks for the picture! What would you like to know about it?"
HANDOFF_TEXT = (
    "I've passed this conversation to our customer service team: a person will reply here as soon as "
    "possible."
)
FAILED_HANDOFF_TEXT = (
    "I'm sorry I couldn't help with that. I've passed this conversation to our customer service team: "
    "a person will reply here as soon as possible."
)
NEAR_MATCH_SCORE = 0.72
"""Hybrid score from which the best FAQ entry answers a turn the router calls out of scope. On the shipped
router's validation and test splits and the retrieval benchmark's questions the shop cannot answer (206
out-of-scope messages), the best entry scored at most 0.65."""
NEAR_MATCH_COSINE = 0.9
"""Cosine similarity of the best entry's wording from which it answers such a turn too; on those 206
messages it was at most 0.858 ("track my Vinted parcel" against "How can I track my parcel?")."""
OWN_ENTRY_COSINE = 0.45
"""Cosine similarity to one of the store's own FAQ entries (not the demo store's) from which a turn the router
calls out of scope is answered or offered that entry (see ``_close_to_an_own_entry``)."""
ORDER_CONTEXT_MIN_PROBABILITY = 0.2
"""Router probability of order_status from which a delivery question is answered from the order in play."""
OUT_OF_SCOPE_TEXT = (
    "I'm sorry, I can only help with questions about our shop: orders, delivery, returns, products, "
    "payments and your account. Is there anything like that I can help you with?"
)
OTHER_ALPHABET_TEXT = (
    "I'm sorry, I can only read messages written in English for now. Could you write your question in "
    "English, or ask to talk to a person?"
)
GREETING_TEXT = (
    "Hello! How can I help you today? You can ask about an order, delivery, returns, our products or "
    "payments, and send a photo or a voice note too."
)
GOODBYE_TEXT = "You're welcome! If there's anything else, just write here. Have a nice day!"

RETRIEVAL_ROUTER = "retrieval"
FAILED_ACTIONS = frozenset({"clarify", "no_match", "order_email_mismatch"})
UNANSWERED_IN_ENGLISH = frozenset({"out_of_scope", "clarify", "no_match"})
FAILED_TURNS_BEFORE_HANDOFF = 2
"""A hand-off is opened on this many failed turns in a row."""
SHORT_REPLIES = {"greeting": ("greeting", GREETING_TEXT), "thanks_goodbye": ("goodbye", GOODBYE_TEXT)}
ABOUT_THE_PICTURED_PRODUCT = frozenset({"product_question", "promotions", "out_of_scope"})
"""Intents whose words, sent with a photo of a catalogue product, ask about that product: price questions
("how much is this?") read as promotions, and words the router cannot place."""


@dataclass(frozen=True)
class StoreStyle:
    """How the store writes prices and order numbers in replies (ASSISTANT_CURRENCY, ASSISTANT_ORDER_*)."""

    currency: str = "EUR"
    order_numbers: OrderNumberFormat = OrderNumberFormat()
    check_order_email: bool = False
    """An order's status is told only after the customer gives the order's email too (ASSISTANT_ORDER_CHECK)."""
    own_entries_before_order_number: bool = True
    """An order question without a number that one of the store's own entries answers confidently gets that
    entry, with the offer to check the order (ASSISTANT_OWN_ENTRY_ORDER_ANSWERS)."""


@dataclass(frozen=True)
class Decision:
    action: str
    text: str
    sources: tuple[Source, ...] = ()
    suggestions: tuple[Source, ...] = ()
    order_number: str | None = None
    """The order the reply is about (reported or not found)."""
    handoff_reason: str | None = None
    """Set when the conversation is to be handed to a person; stored on the ticket."""
    across_languages: bool = False
    """Decided from ``TurnFacts.other_language``, the words' meaning across languages."""
    offers_order_check: bool = False
    """The reply also invites the order's number: a next turn that is only a number is taken as one."""


@dataclass(frozen=True)
class DialogueState:
    """What a conversation remembers between turns; stored as the conversation's JSON ``context``."""

    order_number: str | None = None
    """The last order number the customer gave (typed, said or in a screenshot), unless it was unknown."""
    awaiting_order_number: bool = False
    """True after the assistant asked for an order number (or was given an unknown one)."""
    failed_turns: int = 0
    """Failed turns (clarify, no_match, a wrong order email) in a row just before this one."""
    awaiting_email: bool = False
    """True after the assistant asked for the email address of the order in play."""
    verified_order: str | None = None
    """The order whose status was told in this conversation (with the email check: whose email was given)."""
    order_check_offered: bool = False
    """True after an answer that offered to check the order: a next turn that is only a number (its digits
    alone, too) is that order's number; digits among other words (a new address's postcode) are not."""

    @classmethod
    def from_context(cls, context: dict | None) -> DialogueState:
        context = context or {}
        return cls(
            order_number=context.get("order_number"),
            awaiting_order_number=bool(context.get("awaiting_order_number", False)),
            failed_turns=int(context.get("failed_turns", 0)),
            awaiting_email=bool(context.get("awaiting_email", False)),
            verified_order=context.get("verified_order"),
            order_check_offered=bool(context.get("order_check_offered", False)),
        )

    def as_context(self) -> dict:
        return {
            "order_number": self.order_number,
            "awaiting_order_number": self.awaiting_order_number,
            "failed_turns": self.failed_turns,
            "awaiting_email": self.awaiting_email,
            "verified_order": self.verified_order,
            "order_check_offered": self.order_check_offered,
        }

    def after(self, decision: Decision, *, found_order_number: str | None) -> DialogueState:
        """The state for the next turn, once ``decision`` was taken on a turn that carried
        ``found_order_number``."""
        number = decision.order_number or found_order_number or self.order_number
        return DialogueState(
            order_number=None if decision.action == "order_not_found" else number,
            awaiting_order_number=decision.action in ("ask_order_number", "order_not_found"),
            failed_turns=self.failed_turns + 1 if decision.action in FAILED_ACTIONS else 0,
            awaiting_email=decision.action in ("ask_order_email", "order_email_mismatch"),
            verified_order=decision.order_number if decision.action == "order_status" else self.verified_order,
            order_check_offered=decision.offers_order_check,
        )


@dataclass(frozen=True)
class TurnFacts:
    """Everything the pipeline found out about one turn before deciding."""

    prediction: IntentPrediction
    result: SearchResult | None
    """FAQ hits for the turn's words (filtered by intent, or the unfiltered fall-back); None without words."""
    found_order_number: str | None = None
    """An order number in this turn's typed text, transcript or image words."""
    order_number: str | None = None
    """The order number in play: this turn's, else the remembered one."""
    order: Order | None = None
    """The database row of ``order_number``; None when there is no such order."""
    product: Product | None = None
    """The catalogue product the turn's photo shows, when it matched above the threshold; else the one its
    words name (``named_products``)."""
    wordless: bool = False
    """The turn has neither a picture nor a letter or digit (only emoji or punctuation)."""
    other_alphabet: str | None = None
    """The writing system of a turn without a picture whose letters are mostly not Latin ('Cyrillic')."""
    found_email: str | None = None
    """An email address in this turn's typed text (lower-cased)."""
    asked_size: str | None = None
    """The size asked about ("in size 44") when a product is in play."""
    product_named: bool = False
    """``product`` comes from the turn's words, not from a photo."""
    language: str | None = None
    """The language (ISO 639-1) of words identified as written in another language than English."""
    other_language: SearchResult | None = None
    """For words in another language than English: the entries closest in meaning across languages (None
    when none comes near, and for English)."""
    small_talk: str | None = None
    """For words in another language: ``greeting`` or ``thanks_goodbye`` when they mean one more nearly than
    any entry."""
    best_entry_own: bool = False
    """The best hit is the store's own entry (imported, added or reworded), not one of the demo store's."""


def decide_turn(facts: TurnFacts, state: DialogueState, *, suggestions: int, store: StoreStyle = StoreStyle(),
                near_match: float = NEAR_MATCH_SCORE, own_entry: float = OWN_ENTRY_COSINE) -> Decision:
    """The action for this turn (see the module docstring for the order in which rules apply)."""
    chosen = _choose(facts, state, suggestions, store, near_match, own_entry)
    decision = _in_their_language(facts, state, store, chosen, suggestions)
    if decision.action in FAILED_ACTIONS and state.failed_turns + 1 >= FAILED_TURNS_BEFORE_HANDOFF:
        reason = f"{FAILED_TURNS_BEFORE_HANDOFF} turns in a row without an answer"
        return Decision("handoff", FAILED_HANDOFF_TEXT, suggestions=decision.suggestions, handoff_reason=reason)
    return decision


def _choose(facts: TurnFacts, state: DialogueState, suggestions: int, store: StoreStyle, near_match: float,
            own_entry: float = 1.0) -> Decision:
    prediction = facts.prediction
    awaiting_number = state.awaiting_order_number or state.order_check_offered
    if (awaiting_number and facts.found_order_number) or (state.awaiting_email and facts.found_email):
        return order_decision(facts, state, store)
    if facts.wordless:
        return Decision("no_match", NO_WORDS_TEXT)
    if facts.other_alphabet:
        if facts.found_order_number:  # the one thing in the message the assistant can read
            return order_decision(facts, state, store)
        return Decision("no_match", OTHER_ALPHABET_TEXT)
    if not acts_on_intent(prediction):
        return _retrieval_decision(facts, suggestions)
    if prediction.intent == "human_agent":
        return _handoff_on_request(facts.result)
    if facts.product is not None and prediction.intent in ABOUT_THE_PICTURED_PRODUCT:
        return describe_product(facts.product, currency=store.currency, size=facts.asked_size,
                                pictured=not facts.product_named)
    if is_out_of_scope(prediction):
        if unsure_rather_than_off_topic(prediction) and facts.result is not None:
            return _retrieval_decision(facts, suggestions)
        if _near_copy_of_an_entry(facts.result, near_match):
            return decide(facts.result, suggestions=suggestions)
        if _close_to_an_own_entry(facts, own_entry):  # against the router, only the hybrid score answers
            return decide(facts.result, suggestions=suggestions, by_score_only=True)
        return Decision("out_of_scope", OUT_OF_SCOPE_TEXT)
    if about_the_order_in_play(prediction, facts):
        return order_decision(facts, state, store)
    if prediction.intent in SHORT_REPLIES:
        return Decision(*SHORT_REPLIES[prediction.intent])
    if prediction.intent == "order_status":
        if facts.order_number:
            return order_decision(facts, state, store)
        if store.own_entries_before_order_number and _own_entry_answers(facts):
            return _answer_then_offer_order_lookup(facts.result, store)
        return Decision("ask_order_number", ask_order_number_text(store.order_numbers))
    return _retrieval_decision(facts, suggestions)


def _in_their_language(facts: TurnFacts, state: DialogueState, store: StoreStyle, decision: Decision,
                       suggestions: int) -> Decision:
    """For words in another language, what the English path could not answer: a refusal, a clarification,
    no match, or a greeting or goodbye (the English router reads many foreign sentences as one). An order
    number in them gets that order's status; else entries found by meaning answer (a greeting or goodbye
    only by a confident one) or are offered; words that mean a greeting or thanks more nearly than any entry
    get that short reply, even where the English router chose the other one. The best entry's intent then
    acts as the routed one: a request for a person is handed off, an order question asks for the order's
    number."""
    if facts.language is None:
        return decision
    failed = decision.action in UNANSWERED_IN_ENGLISH
    short_reply = decision.action in {action for action, _ in SHORT_REPLIES.values()}
    if facts.found_order_number and (failed or short_reply):
        return order_decision(facts, state, store)
    if facts.small_talk in SHORT_REPLIES:
        return Decision(*SHORT_REPLIES[facts.small_talk]) if failed or short_reply else decision
    found = facts.other_language
    if found is None or not (failed or (short_reply and found.confident)):
        return decision
    by_meaning = replace(facts, prediction=route_from_hits(found), result=found, other_alphabet=None,
                         best_entry_own=False)
    return replace(_choose(by_meaning, state, suggestions, store, 1.0), across_languages=True)


def acts_on_intent(prediction: IntentPrediction) -> bool:
    """False for retrieval routing whose best hit is not confident: its intent is only a guess."""
    return not (prediction.router == RETRIEVAL_ROUTER and prediction.out_of_scope)


def is_out_of_scope(prediction: IntentPrediction) -> bool:
    if prediction.router == RETRIEVAL_ROUTER:
        return False
    return prediction.out_of_scope or prediction.intent == "out_of_scope"


def unsure_rather_than_off_topic(prediction: IntentPrediction) -> bool:
    """The router's best intent is one of the shop's, and only its low confidence made it out of scope:
    the closest FAQ entries are offered instead of a refusal."""
    return bool(prediction.top_k) and prediction.top_k[0][0] != "out_of_scope"


def _near_copy_of_an_entry(result: SearchResult | None, near_match: float) -> bool:
    """The best entry reaches ``near_match``, or its wording means the same as the turn's (the dense signal
    alone: a small store's lexical scores stay low even for its exact questions)."""
    if result is None or not result.confident or result.best is None or near_match >= 1.0:
        return False
    return result.best.score >= near_match or result.best.dense >= NEAR_MATCH_COSINE


def _close_to_an_own_entry(facts: TurnFacts, own_entry: float) -> bool:
    """The router learned what is out of scope from messages written against the demo store's entries (another
    shop's parcel next to its delivery questions), so its refusal says little about a store's own entries
    (warranties, repairs, recycling): one this close in meaning answers or is offered instead."""
    best = facts.result.best if facts.result is not None else None
    return facts.best_entry_own and best is not None and best.dense >= own_entry


def _own_entry_answers(facts: TurnFacts) -> bool:
    """The router learned order_status from the demo store's messages, where a question about an order
    without its number always means "where is it?"; a store's own entry that answers the turn confidently
    (changing the address, how long standard delivery takes) is the better reply."""
    return facts.best_entry_own and facts.result is not None and facts.result.confident


def _answer_then_offer_order_lookup(result: SearchResult, store: StoreStyle) -> Decision:
    answer = decide(result, suggestions=0)
    offer = order_lookup_offer_text(store.order_numbers)
    return replace(answer, text=f"{answer.text}\n\n{offer}", offers_order_check=True)


def about_the_order_in_play(prediction: IntentPrediction, facts: TurnFacts) -> bool:
    """A delivery question while an order number is in play ("when will it arrive?") is about that order
    when the router ranks order_status second with some weight."""
    if facts.order_number is None or prediction.intent != "shipping_info":
        return False
    scores = dict(prediction.top_k)
    return scores.get("order_status", 0.0) >= ORDER_CONTEXT_MIN_PROBABILITY


def order_decision(facts: TurnFacts, state: DialogueState, store: StoreStyle) -> Decision:
    number = facts.found_order_number or facts.order_number
    if store.check_order_email and state.verified_order != number:
        return _order_decision_by_email(facts, number)
    if facts.order is None:
        return Decision("order_not_found", unknown_order_text(number, store.order_numbers), order_number=number)
    return Decision("order_status", describe_order(facts.order), order_number=facts.order.order_number)


def _order_decision_by_email(facts: TurnFacts, number: str) -> Decision:
    """With the email check, whether the number exists is told only together with its email address."""
    if facts.found_email is None:
        return Decision("ask_order_email", ask_order_email_text(number), order_number=number)
    if facts.order is None or facts.order.customer_email.strip().lower() != facts.found_email:
        return Decision("order_email_mismatch", email_mismatch_text(number), order_number=number)
    return Decision("order_status", describe_order(facts.order), order_number=facts.order.order_number)


def _handoff_on_request(result: SearchResult | None) -> Decision:
    reason = "the customer asked for a person"
    if result is not None and result.confident and result.best.intent == "human_agent":
        answer = decide(result, suggestions=0)
        return Decision("handoff", f"{answer.text}\n\n{HANDOFF_TEXT}", sources=answer.sources, handoff_reason=reason)
    return Decision("handoff", HANDOFF_TEXT, handoff_reason=reason)


def _retrieval_decision(facts: TurnFacts, suggestions: int) -> Decision:
    if facts.result is None:
        return Decision("clarify", PICTURE_ONLY_TEXT)
    return decide(facts.result, suggestions=suggestions)


def route_from_hits(result: SearchResult) -> IntentPrediction:
    """Intent of the best-ranked entry, with the hybrid score as confidence; ``out_of_scope`` means the
    best hit is not confident."""
    if not result.hits:
        return IntentPrediction(intent="out_of_scope", confidence=0.0, out_of_scope=True)
    by_intent: dict[str, float] = {}
    for hit in result.hits:
        by_intent.setdefault(hit.intent, hit.score)
    best = result.hits[0]
    return IntentPrediction(
        intent=best.intent,
        confidence=best.score,
        top_k=tuple(by_intent.items()),
        out_of_scope=not result.confident,
    )


def decide(result: SearchResult, *, suggestions: int, by_score_only: bool = False) -> Decision:
    """Answer with the curated entry when confident (with ``by_score_only``, when its hybrid score reaches the
    threshold: a clear winner in meaning alone is not enough); otherwise offer the closest questions."""
    confident = result.confident and not (by_score_only and result.best.score < result.threshold)
    if confident and result.best is not None:
        best = result.best
        return Decision("answer", best.answer, sources=(Source(best.faq_id, best.question, best.score),))
    closest = tuple(Source(h.faq_id, h.question, h.score) for h in result.hits[:suggestions])
    if not closest:
        return Decision("no_match", NO_MATCH_TEXT)
    lines = "\n".join(f"- {s.question}" for s in closest)
    return Decision("clarify", f"{CLARIFY_TEXT}\n{lines}", suggestions=closest)


def describe_product(product: Product, *, currency: str = "EUR", size: str | None = None,
                     pictured: bool = True) -> Decision:
    """What a customer wants to know about the product in their photo (or named): name, price, sizes in
    stock, and the size they asked about."""
    in_stock = [s for s in product.sizes if product.stock.get(s, 0) > 0]
    sizes = f"In stock in {', '.join(in_stock)}." if in_stock else "It is sold out in every size right now."
    opening = "This looks like our" if pictured else "Our"
    text = (
        f"{opening} {product.name} ({product.category}, SKU {product.sku}), "
        f"{currency} {product.price:.2f}. {product.description} {_size_sentence(product, size, in_stock)}{sizes}"
    )
    return Decision("product", text)


def _size_sentence(product: Product, size: str | None, in_stock: list[str]) -> str:
    if size is None:
        return ""
    known = {s.lower(): s for s in product.sizes}
    if size.lower() not in known:
        return f"It is not made in size {size}. "
    named = known[size.lower()]
    return f"Size {named} is in stock. " if named in in_stock else f"Size {named} is sold out right now. "

