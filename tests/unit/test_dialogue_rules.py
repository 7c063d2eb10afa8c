"""The dialogue's rules on hand-made facts: no database, no models."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from assistant.dialogue import (
    DialogueState,
    NO_WORDS_TEXT,
    OTHER_ALPHABET_TEXT,
    StoreStyle,
    TurnFacts,
    decide_turn,
)
from assistant.orders import OrderNumberFormat
from assistant.types import IntentPrediction, SearchResult
from knowledge_base.models import Product
from knowledge_base.retrieval import Hit


def hit(faq_id: int, intent: str, score: float) -> Hit:
    return Hit(faq_id, f"question {faq_id}", f"answer {faq_id}", intent, score, score, 0.0, 0.0)


def result(*hits: Hit, threshold: float = 0.5) -> SearchResult:
    return SearchResult("q", list(hits), bool(hits) and hits[0].score >= threshold, threshold)


def routed(intent: str, **kwargs) -> IntentPrediction:
    return IntentPrediction(intent, 0.9, router="fusion", **kwargs)


def test_empty_hits_are_no_match_and_count_as_a_failed_turn():
    decision = decide_turn(TurnFacts(routed("promotions"), result()), DialogueState(), suggestions=3)
    assert decision.action == "no_match"
    assert DialogueState().after(decision, found_order_number=None).failed_turns == 1


def test_second_failed_turn_becomes_a_handoff_with_the_suggestions():
    facts = TurnFacts(routed("promotions"), result(hit(1, "promotions", 0.2), hit(2, "promotions", 0.1)))
    decision = decide_turn(facts, DialogueState(failed_turns=1), suggestions=3)
    assert decision.action == "handoff" and decision.handoff_reason
    assert [s.faq_id for s in decision.suggestions] == [1, 2]
    assert DialogueState(failed_turns=1).after(decision, found_order_number=None).failed_turns == 0


def test_router_out_of_scope_flag_refuses_but_retrieval_routing_never_does():
    unsure = result(hit(1, "human_agent", 0.2))
    refused = decide_turn(TurnFacts(routed("promotions", out_of_scope=True), unsure), DialogueState(), suggestions=3)
    assert refused.action == "out_of_scope"
    by_hits = IntentPrediction("human_agent", 0.2, out_of_scope=True)  # router 'retrieval', not confident
    clarified = decide_turn(TurnFacts(by_hits, unsure), DialogueState(), suggestions=3)
    assert clarified.action == "clarify"


def test_human_agent_keeps_a_confident_curated_answer_beside_the_handoff():
    hours = result(hit(7, "human_agent", 0.8))
    decision = decide_turn(TurnFacts(routed("human_agent"), hours), DialogueState(), suggestions=3)
    assert decision.action == "handoff" and decision.text.startswith("answer 7")
    assert [s.faq_id for s in decision.sources] == [7]


def test_awaited_order_number_wins_over_the_turns_own_intent_and_unknown_ones_are_forgotten():
    facts = TurnFacts(routed("greeting"), None, found_order_number="FG-999999", order_number="FG-999999")
    state = DialogueState(order_number="FG-100060", awaiting_order_number=True)
    decision = decide_turn(facts, state, suggestions=3)
    assert (decision.action, decision.order_number) == ("order_not_found", "FG-999999")
    after = state.after(decision, found_order_number="FG-999999")
    assert after == DialogueState(order_number=None, awaiting_order_number=True, failed_turns=0)


def test_state_survives_its_json_context_and_tolerates_an_empty_one():
    state = DialogueState(order_number="FG-100060", awaiting_order_number=False, failed_turns=1)
    assert DialogueState.from_context(state.as_context()) == state
    assert DialogueState.from_context({}) == DialogueState.from_context(None) == DialogueState()


def test_a_number_given_in_passing_is_remembered():
    decision = decide_turn(TurnFacts(routed("cancel_order"), result(hit(3, "cancel_order", 0.9))),
                           DialogueState(), suggestions=3)
    assert decision.action == "answer"
    assert DialogueState().after(decision, found_order_number="FG-100154").order_number == "FG-100154"


def test_a_router_that_is_only_unsure_gets_the_closest_entries_not_a_refusal():
    unsure = IntentPrediction("out_of_scope", 0.31, top_k=(("damaged_or_wrong_item", 0.31), ("out_of_scope", 0.2)),
                              out_of_scope=True, router="fusion")
    close = result(hit(4, "damaged_or_wrong_item", 0.4), hit(5, "return_refund", 0.3))
    decision = decide_turn(TurnFacts(unsure, close), DialogueState(), suggestions=3)
    assert decision.action == "clarify" and [s.faq_id for s in decision.suggestions] == [4, 5]
    off_topic = IntentPrediction("out_of_scope", 0.8, top_k=(("out_of_scope", 0.8),), out_of_scope=True, router="fusion")
    assert decide_turn(TurnFacts(off_topic, close), DialogueState(), suggestions=3).action == "out_of_scope"


def test_a_delivery_question_about_the_order_in_play_reports_that_order():
    import datetime as dt

    from knowledge_base.models import Order

    order = Order(order_number="FG-100060", status="shipped", carrier="DHL", tracking_number="JJD1",
                  placed_at=dt.datetime(2026, 11, 18), shipped_at=dt.datetime(2026, 11, 19),
                  estimated_delivery=dt.date(2026, 11, 24))
    when = IntentPrediction("shipping_info", 0.6, top_k=(("shipping_info", 0.6), ("order_status", 0.3)), router="fusion")
    delivery_times = result(hit(2, "shipping_info", 0.7))
    facts = TurnFacts(when, delivery_times, order_number="FG-100060", order=order)
    assert decide_turn(facts, DialogueState(order_number="FG-100060"), suggestions=3).action == "order_status"
    without_order = TurnFacts(when, delivery_times)
    assert decide_turn(without_order, DialogueState(), suggestions=3).action == "answer"
    weak = IntentPrediction("shipping_info", 0.9, top_k=(("shipping_info", 0.9), ("order_status", 0.05)), router="fusion")
    assert decide_turn(TurnFacts(weak, delivery_times, order_number="FG-100060", order=order),
                       DialogueState(order_number="FG-100060"), suggestions=3).action == "answer"


def test_a_turn_without_words_asks_for_words_and_counts_as_failed():
    facts = TurnFacts(routed("greeting"), result(), wordless=True)
    decision = decide_turn(facts, DialogueState(), suggestions=3)
    assert (decision.action, decision.text) == ("no_match", NO_WORDS_TEXT)
    assert DialogueState().after(decision, found_order_number=None).failed_turns == 1


def test_a_turn_in_another_alphabet_asks_for_english_and_the_second_is_handed_off():
    facts = TurnFacts(routed("greeting"), result(hit(1, "greeting", 0.9)), other_alphabet="Greek")
    decision = decide_turn(facts, DialogueState(), suggestions=3)
    assert (decision.action, decision.text) == ("no_match", OTHER_ALPHABET_TEXT)
    again = decide_turn(facts, DialogueState().after(decision, found_order_number=None), suggestions=3)
    assert again.action == "handoff" and again.handoff_reason


def test_an_order_number_in_another_alphabet_gets_that_orders_status():
    facts = TurnFacts(routed("out_of_scope"), result(), found_order_number="FG-100060",
                      order_number="FG-100060", other_alphabet="Cyrillic")
    decision = decide_turn(facts, DialogueState(), suggestions=3)
    assert decision.action == "order_not_found" and decision.order_number == "FG-100060"


def test_an_order_number_asked_for_is_taken_whatever_the_alphabet():
    facts = TurnFacts(routed("out_of_scope"), result(), found_order_number="FG-100060",
                      order_number="FG-100060", other_alphabet="Chinese characters")
    decision = decide_turn(facts, DialogueState(awaiting_order_number=True), suggestions=3)
    assert decision.action == "order_not_found" and decision.order_number == "FG-100060"


def sneaker() -> Product:
    return Product(sku="FG-SN-001", name="Court sneaker", category="Sneaker", description="White leather.",
                   price=Decimal("59.00"), sizes=["42", "43"], stock={"42": 1, "43": 0})


def test_a_price_question_with_a_catalogue_photo_gets_that_products_details():
    """"how much is this?" reads as promotions without the picture; the matched photo says what it is about."""
    for prediction in (routed("promotions"), routed("product_question"), routed("out_of_scope"),
                       IntentPrediction("promotions", 0.3, out_of_scope=True, router="fusion")):
        decision = decide_turn(TurnFacts(prediction, result(), product=sneaker()), DialogueState(), suggestions=3)
        assert decision.action == "product" and "Court sneaker" in decision.text and "EUR 59.00" in decision.text


def test_a_catalogue_photo_with_words_about_something_else_follows_the_words():
    damaged = TurnFacts(routed("damaged_or_wrong_item"), result(hit(4, "damaged_or_wrong_item", 0.8)), product=sneaker())
    assert decide_turn(damaged, DialogueState(), suggestions=3).action == "answer"
    person = TurnFacts(routed("human_agent"), result(), product=sneaker())
    assert decide_turn(person, DialogueState(), suggestions=3).action == "handoff"
    unsure_return = IntentPrediction("return_refund", 0.3, top_k=(("return_refund", 0.3),), out_of_scope=True,
                                     router="fusion")
    facts = TurnFacts(unsure_return, result(hit(7, "return_refund", 0.7)), product=sneaker())
    assert decide_turn(facts, DialogueState(), suggestions=3).action == "answer"


def test_product_prices_are_written_with_the_stores_currency():
    facts = TurnFacts(routed("product_question"), result(), product=sneaker())
    assert "USD 59.00" in decide_turn(facts, DialogueState(), suggestions=3, store=StoreStyle(currency="USD")).text


def test_order_replies_describe_the_stores_own_order_numbers():
    store = StoreStyle(order_numbers=OrderNumberFormat(prefix="", digits=4))
    asked = decide_turn(TurnFacts(routed("order_status"), result()), DialogueState(), suggestions=3, store=store)
    assert asked.action == "ask_order_number" and "It has 4 digits (for example 1234)" in asked.text
    facts = TurnFacts(routed("order_status"), result(), found_order_number="1001", order_number="1001")
    missing = decide_turn(facts, DialogueState(), suggestions=3, store=store)
    assert missing.action == "order_not_found" and "it looks like 1234" in missing.text


def test_the_currency_setting_is_read_and_checked(monkeypatch):
    from pydantic import ValidationError

    from assistant.settings import Settings

    monkeypatch.setenv("ASSISTANT_CURRENCY", "USD")
    assert Settings().currency == "USD"
    with pytest.raises(ValidationError, match="currency"):
        Settings(currency="US dollars")


def _placed_order(number: str, email: str):
    import datetime as dt

    from knowledge_base.models import Order

    return Order(order_number=number, customer_email=email, status="shipped", placed_at=dt.datetime(2026, 11, 2))


CHECKED = StoreStyle(check_order_email=True)


def test_with_the_email_check_an_order_is_told_only_with_its_email_address():
    order = _placed_order("FG-100060", "Sanne.deVries@example.com")
    asked = TurnFacts(routed("order_status"), None, found_order_number="FG-100060", order_number="FG-100060", order=order)
    first = decide_turn(asked, DialogueState(), suggestions=3, store=CHECKED)
    assert (first.action, first.order_number) == ("ask_order_email", "FG-100060")
    assert "shipped" not in first.text and "email address you used for order FG-100060" in first.text
    state = DialogueState().after(first, found_order_number="FG-100060")
    assert state.awaiting_email and state.order_number == "FG-100060"

    wrong = TurnFacts(routed("greeting"), None, order_number="FG-100060", order=order, found_email="sanne@example.com")
    mismatch = decide_turn(wrong, state, suggestions=3, store=CHECKED)
    assert mismatch.action == "order_email_mismatch" and "shipped" not in mismatch.text
    state = state.after(mismatch, found_order_number=None)
    assert state.failed_turns == 1 and state.awaiting_email

    right = replace(wrong, found_email="sanne.devries@example.com")
    told = decide_turn(right, state, suggestions=3, store=CHECKED)
    assert told.action == "order_status" and "has been shipped" in told.text
    state = state.after(told, found_order_number=None)
    assert state.verified_order == "FG-100060" and not state.awaiting_email
    later = TurnFacts(routed("order_status"), None, order_number="FG-100060", order=order)
    assert decide_turn(later, state, suggestions=3, store=CHECKED).action == "order_status"
    assert DialogueState.from_context(state.as_context()) == state


def test_with_the_email_check_an_unknown_number_is_not_told_apart_from_a_wrong_email():
    unknown = TurnFacts(routed("order_status"), None, found_order_number="FG-999999", order_number="FG-999999",
                        found_email="sanne.devries@example.com")
    decision = decide_turn(unknown, DialogueState(), suggestions=3, store=CHECKED)
    assert decision.action == "order_email_mismatch"
    assert decision.text.startswith("I couldn't find an order FG-999999 placed with that email address.")


def test_a_second_wrong_email_in_a_row_hands_the_conversation_to_a_person():
    order = _placed_order("FG-100060", "sanne.devries@example.com")
    facts = TurnFacts(routed("greeting"), None, order_number="FG-100060", order=order, found_email="x@example.com")
    state = DialogueState(order_number="FG-100060", awaiting_email=True, failed_turns=1)
    assert decide_turn(facts, state, suggestions=3, store=CHECKED).action == "handoff"


def test_without_the_email_check_the_number_alone_tells_the_order():
    order = _placed_order("FG-100060", "sanne.devries@example.com")
    facts = TurnFacts(routed("order_status"), None, found_order_number="FG-100060", order_number="FG-100060", order=order)
    assert decide_turn(facts, DialogueState(), suggestions=3).action == "order_status"


def test_a_near_copy_of_an_entrys_question_is_answered_though_the_router_calls_it_out_of_scope():
    refused = IntentPrediction("out_of_scope", 0.8, top_k=(("out_of_scope", 0.8),), out_of_scope=True, router="fusion")
    near_copy = TurnFacts(refused, result(hit(9, "shipping_info", 0.75)))
    answered = decide_turn(near_copy, DialogueState(), suggestions=3)
    assert (answered.action, [s.faq_id for s in answered.sources]) == ("answer", [9])
    assert decide_turn(near_copy, DialogueState(), suggestions=3, near_match=1.0).action == "out_of_scope"
    merely_close = TurnFacts(refused, result(hit(9, "shipping_info", 0.65)))
    assert decide_turn(merely_close, DialogueState(), suggestions=3).action == "out_of_scope"
    same_meaning = Hit(9, "question 9", "answer 9", "shipping_info", 0.6, 0.93, 0.1, 1.0)  # a small store's scores
    assert decide_turn(TurnFacts(refused, result(same_meaning)), DialogueState(), suggestions=3).action == "answer"


def test_words_in_another_language_are_answered_by_meaning_where_english_finds_nothing():
    across = result(hit(4, "return_refund", 0.92), hit(5, "return_refund", 0.86), threshold=0.88)
    refused = TurnFacts(routed("out_of_scope", out_of_scope=True), result(hit(1, "greeting", 0.1)),
                        language="fr", other_language=across)
    decision = decide_turn(refused, DialogueState(), suggestions=3)
    assert decision.action == "answer" and decision.across_languages
    assert decision.sources[0].faq_id == 4 and decision.text == "answer 4"
    unsure = replace(refused, other_language=result(hit(5, "return_refund", 0.86), threshold=0.88))
    offered = decide_turn(unsure, DialogueState(), suggestions=3)
    assert offered.action == "clarify" and [s.faq_id for s in offered.suggestions] == [5]
    assert decide_turn(unsure, DialogueState(failed_turns=1), suggestions=3).action == "handoff"


def test_meaning_across_languages_leaves_english_answers_and_other_actions_alone():
    across = result(hit(4, "return_refund", 0.95), threshold=0.88)
    answered = TurnFacts(routed("promotions"), result(hit(9, "promotions", 0.8)), language="de",
                         other_language=across)
    decision = decide_turn(answered, DialogueState(), suggestions=3)
    assert decision.sources[0].faq_id == 9 and not decision.across_languages
    only_near = result(hit(4, "return_refund", 0.86), threshold=0.88)
    greeted = TurnFacts(routed("greeting"), result(), language="nl", other_language=only_near)
    assert decide_turn(greeted, DialogueState(), suggestions=3).action == "greeting"
    misread = replace(greeted, prediction=routed("thanks_goodbye"), other_language=across)
    assert decide_turn(misread, DialogueState(), suggestions=3).action == "answer"
    asked = TurnFacts(routed("order_status"), result(), language="es", other_language=across)
    assert decide_turn(asked, DialogueState(), suggestions=3).action == "ask_order_number"


def test_another_alphabet_is_answered_by_meaning_when_an_entry_comes_near():
    across = result(hit(4, "shipping_info", 0.9), threshold=0.88)
    facts = TurnFacts(routed("out_of_scope"), None, other_alphabet="Cyrillic", language="ru", other_language=across)
    decision = decide_turn(facts, DialogueState(), suggestions=3)
    assert decision.action == "answer" and decision.sources[0].faq_id == 4


def test_an_order_number_in_another_language_gets_that_orders_status_where_english_finds_nothing():
    across = result(hit(4, "cancel_order", 0.91), threshold=0.88)
    facts = TurnFacts(routed("thanks_goodbye"), result(), found_order_number="FG-100060", order_number="FG-100060",
                      language="fr", other_language=across)
    decision = decide_turn(facts, DialogueState(), suggestions=3)
    assert decision.action == "order_not_found" and decision.order_number == "FG-100060"
    english = replace(facts, language=None, other_language=None)
    assert decide_turn(english, DialogueState(), suggestions=3).action == "goodbye"


def test_entries_found_across_languages_count_only_for_words_identified_as_another_language():
    across = result(hit(4, "return_refund", 0.95), threshold=0.88)
    facts = TurnFacts(routed("out_of_scope", out_of_scope=True), result(), other_language=across)
    assert decide_turn(facts, DialogueState(), suggestions=3).action == "out_of_scope"


def test_the_intent_of_the_entry_found_across_languages_acts_like_a_routed_one():
    person = result(hit(6, "human_agent", 0.93), threshold=0.88)
    facts = TurnFacts(routed("out_of_scope", out_of_scope=True), result(), other_alphabet="Cyrillic", language="ru",
                      other_language=person)
    handoff = decide_turn(facts, DialogueState(), suggestions=3)
    assert handoff.action == "handoff" and handoff.handoff_reason and handoff.text.startswith("answer 6")
    order = replace(facts, other_language=result(hit(2, "order_status", 0.9), threshold=0.88))
    asked = decide_turn(order, DialogueState(), suggestions=3)
    assert asked.action == "ask_order_number"
    assert DialogueState().after(asked, found_order_number=None).awaiting_order_number
    own_in_english = replace(order, best_entry_own=True)  # the English best hit's flag says nothing of these
    assert decide_turn(own_in_english, DialogueState(), suggestions=3).action == "ask_order_number"


def test_small_talk_in_another_language_gets_its_short_reply_where_english_finds_nothing_or_the_other_one():
    facts = TurnFacts(routed("out_of_scope", out_of_scope=True), None, other_alphabet="Cyrillic", language="ru",
                      small_talk="greeting")
    assert decide_turn(facts, DialogueState(), suggestions=3).action == "greeting"
    read_as_goodbye = replace(facts, other_alphabet=None, prediction=routed("thanks_goodbye"))
    assert decide_turn(read_as_goodbye, DialogueState(), suggestions=3).action == "greeting"
    english = replace(read_as_goodbye, language=None, small_talk=None)
    assert decide_turn(english, DialogueState(), suggestions=3).action == "goodbye"


def test_a_turn_close_to_one_of_the_stores_own_entries_is_not_refused_for_the_routers_out_of_scope():
    refused = IntentPrediction("out_of_scope", 0.97, top_k=(("out_of_scope", 0.97),), out_of_scope=True, router="fusion")
    repairs = Hit(4, "Do you repair devices?", "Book a repair online.", "damaged_or_wrong_item", 0.42, 0.54, 0.1, 1.7)
    close = result(repairs)
    own = decide_turn(TurnFacts(refused, close, best_entry_own=True), DialogueState(), suggestions=3)
    assert (own.action, [s.faq_id for s in own.suggestions]) == ("clarify", [4])
    demo = decide_turn(TurnFacts(refused, close, best_entry_own=False), DialogueState(), suggestions=3)
    assert demo.action == "out_of_scope"  # the router's refusals stand for the demo store's entries
    far = replace(repairs, dense=0.4)
    assert decide_turn(TurnFacts(refused, result(far), best_entry_own=True), DialogueState(), suggestions=3).action == "out_of_scope"
    off = decide_turn(TurnFacts(refused, close, best_entry_own=True), DialogueState(), suggestions=3, own_entry=1.01)
    assert off.action == "out_of_scope"


def test_against_the_routers_refusal_only_the_hybrid_score_answers_not_a_clear_winner_in_meaning():
    refused = IntentPrediction("out_of_scope", 0.97, top_k=(("out_of_scope", 0.97),), out_of_scope=True, router="fusion")
    dog = Hit(7, "Can I bring my dog into the shop?", "Dogs on a lead are welcome.", "shipping_info", 0.49, 0.70, 0.28, 4.7)
    clear_winner = SearchResult("can I bring my dog on the train", [dog], True, 0.5, clear_winner=True)
    offered = decide_turn(TurnFacts(refused, clear_winner, best_entry_own=True), DialogueState(), suggestions=3)
    assert (offered.action, [s.faq_id for s in offered.suggestions]) == ("clarify", [7])
    routed_there = decide_turn(TurnFacts(routed("shipping_info"), clear_winner), DialogueState(), suggestions=3)
    assert (routed_there.action, [s.faq_id for s in routed_there.sources]) == ("answer", [7])
    scored = replace(clear_winner, hits=[replace(dog, score=0.55)])
    answered = decide_turn(TurnFacts(refused, scored, best_entry_own=True), DialogueState(), suggestions=3)
    assert (answered.action, [s.faq_id for s in answered.sources]) == ("answer", [7])


def test_a_store_entry_that_answers_an_order_question_is_given_with_an_offer_to_check_the_order():
    address = result(hit(4, "shipping_info", 0.7))
    own = decide_turn(TurnFacts(routed("order_status"), address, best_entry_own=True), DialogueState(), suggestions=3)
    assert own.action == "answer" and [s.faq_id for s in own.sources] == [4]
    assert own.text.startswith("answer 4\n\n") and "send me its order number" in own.text
    state = DialogueState().after(own, found_order_number=None)
    assert state.order_check_offered and not state.awaiting_order_number and state.failed_turns == 0
    assert DialogueState.from_context(state.as_context()) == state
    assert not state.after(short_reply(), found_order_number=None).order_check_offered  # the offer lasts one turn
    number = TurnFacts(routed("greeting"), None, found_order_number="FG-100061", order_number="FG-100061")
    assert decide_turn(number, state, suggestions=3).action == "order_not_found"


def short_reply():
    return decide_turn(TurnFacts(routed("greeting"), None), DialogueState(), suggestions=3)


def test_an_order_question_without_a_number_is_asked_for_it_unless_an_own_entry_is_confident():
    demo = decide_turn(TurnFacts(routed("order_status"), result(hit(4, "order_status", 0.7))), DialogueState(),
                       suggestions=3)
    assert demo.action == "ask_order_number"
    unsure = TurnFacts(routed("order_status"), result(hit(4, "shipping_info", 0.4)), best_entry_own=True)
    assert decide_turn(unsure, DialogueState(), suggestions=3).action == "ask_order_number"
    confident = TurnFacts(routed("order_status"), result(hit(4, "shipping_info", 0.7)), best_entry_own=True)
    always_ask = StoreStyle(own_entries_before_order_number=False)
    assert decide_turn(confident, DialogueState(), suggestions=3, store=always_ask).action == "ask_order_number"
    in_play = TurnFacts(routed("order_status"), result(hit(4, "shipping_info", 0.7)), found_order_number="FG-100061",
                        order_number="FG-100061", best_entry_own=True)
    assert decide_turn(in_play, DialogueState(), suggestions=3).action == "order_not_found"
