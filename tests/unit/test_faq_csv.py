from __future__ import annotations

import io

import pytest

from knowledge_base.db import session_scope
from knowledge_base.errors import CsvImportError, UserInputError
from knowledge_base.repositories.faq_csv import export_faqs_csv, import_faqs_csv, read_csv_text
from knowledge_base.repositories.faqs import FaqFields, add_faq, list_faqs

GOOD = (
    "question,answer,intent,alternates,tags\n"
    'How long does delivery take?,"3-5 days, usually.",shipping_info,When will it arrive?|Delivery time,shipping\n'
    "Can I pay with PayPal?,Yes.,payment_billing,PayPal accepted?|Do you take PayPal,payment|paypal\n"
)


def do_import(sessions, text):
    with session_scope(sessions) as session:
        return import_faqs_csv(session=session, text=text)


def stored_questions(sessions) -> list[str]:
    with session_scope(sessions) as session:
        return [e.question for e in list_faqs(session=session)]


def test_import_adds_rows_with_alternates_and_tags(sessions):
    report = do_import(sessions, GOOD)
    assert (report.added, report.updated) == (2, 0)
    with session_scope(sessions) as session:
        first, second = list_faqs(session=session)
        assert first.answer == "3-5 days, usually."
        assert first.alternate_questions == ["When will it arrive?", "Delivery time"]
        assert second.tags == ["payment", "paypal"]


def test_export_then_import_round_trips_and_updates_in_place(sessions):
    do_import(sessions, GOOD)
    with session_scope(sessions) as session:
        out = io.StringIO()
        assert export_faqs_csv(session=session, stream=out) == 2
    exported = out.getvalue()
    assert exported.splitlines()[0] == "question,answer,intent,alternates,tags"
    report = do_import(sessions, exported)
    assert (report.added, report.updated) == (0, 2)
    with session_scope(sessions) as session:
        again = io.StringIO()
        export_faqs_csv(session=session, stream=again)
    assert again.getvalue() == exported


def test_bad_rows_abort_the_whole_import_and_are_named(sessions):
    with session_scope(sessions) as session:
        add_faq(session=session, fields=FaqFields("Existing?", "Kept.", "shipping_info"))
    bad = (
        "question,answer,intent,alternates,tags\n"
        "Fine question?,Fine answer.,shipping_info,,\n"
        ",No question.,shipping_info,,\n"
        "No answer?,,shipping_info,,\n"
        "Unknown intent?,Yes.,teleportation,,\n"
        "fine QUESTION,Duplicate of row 2.,shipping_info,,\n"
        "Too,many,shipping_info,a,b,c\n"
    )
    with pytest.raises(CsvImportError) as caught:
        do_import(sessions, bad)
    assert caught.value.problems == {
        3: "the question is empty",
        4: "the answer is empty",
        5: "unknown intent 'teleportation'",
        6: "the same question as row 2",
        7: "more fields than columns (is there an unquoted comma?)",
    }
    assert "fix row(s) 3, 4, 5, 6, 7" in str(caught.value)
    assert stored_questions(sessions) == ["Existing?"]


def test_row_refused_while_writing_rolls_back_earlier_rows(sessions):
    text = "question,answer,intent\nGood one?,Yes.,shipping_info\n" + "Long?," + "x" * 6000 + ",shipping_info\n"
    with pytest.raises(CsvImportError, match="row 3: The answer is 6,000 characters long"):
        do_import(sessions, text)
    assert stored_questions(sessions) == []


def test_missing_columns_are_named(sessions):
    with pytest.raises(CsvImportError, match="row 1: missing column\\(s\\) answer, intent"):
        do_import(sessions, "question,alternates\nHi?,x\n")


def test_header_only_file_is_refused(sessions):
    with pytest.raises(UserInputError, match="header but no FAQ rows"):
        do_import(sessions, "question,answer,intent,alternates,tags\n")


def test_non_utf8_file_is_refused_with_advice():
    with pytest.raises(UserInputError, match="not UTF-8.*CSV UTF-8"):
        read_csv_text("question,answer\nWie lange dauert die Lieferung?,Zwei Tage f\xfcr Sie\n".encode("latin-1"))


def test_utf8_with_byte_order_mark_is_read():
    assert read_csv_text("\ufeffquestion".encode("utf-8")) == "question"
