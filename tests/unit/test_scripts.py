"""Which alphabet a customer wrote in: the text models read Latin letters only."""

from __future__ import annotations

import pytest

from assistant.scripts import unreadable_script


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("我的订单在哪里？", "Chinese characters"),
        ("注文はいつ届きますか", "Japanese kana"),
        ("주문이 어디에 있나요", "Korean Hangul"),
        ("Где мой заказ?", "Cyrillic"),
        ("Πού είναι η παραγγελία μου;", "Greek"),
        ("أين طلبي؟", "Arabic"),
        ("איפה ההזמנה שלי", "Hebrew"),
        ("मेरा ऑर्डर कहाँ है", "Devanagari"),
    ],
)
def test_other_alphabets_are_named(text, script):
    assert unreadable_script(text) == script


@pytest.mark.parametrize(
    "text",
    [
        "where is my order",
        "Wo ist meine Bestellung? Die Größe passt nicht.",
        "ça va, merci beaucoup",
        "Dziękuję, przesyłka dotarła",
        "order FG-123456 我的订单",  # mostly Latin letters: the router reads the order number
        "🙂🙂 !!",
        "12345",
        "",
    ],
)
def test_latin_letters_and_text_without_letters_are_readable(text):
    assert unreadable_script(text) is None
