from __future__ import annotations

import csv
import io

import pytest

from assistant.errors import UserInputError
from knowledge_base.db import session_scope
from knowledge_base.repositories.faqs import count_faqs
from ui.console.common import exports_folder, write_export
from ui.console.faq import (
    FaqForm,
    delete_faq_entry,
    export_csv,
    faq_table,
    import_csv,
    load_faq,
    save_faq,
)

GIFT = FaqForm(
    question="Do you offer gift wrapping?",
    answer="Yes: choose gift wrapping at checkout for 3 euros.",
    intent="shipping_info",
    alternates="Can you wrap a present?\n\ngift box?",
    tags="Gifts, checkout",
)


def search(sessions, retriever, query):
    with session_scope(sessions) as session:
        return retriever.search(session, query)


def test_saved_entry_is_searchable_at_once(sessions, retriever):
    status, faq_id = save_faq(sessions, retriever.dense.sync, GIFT)
    assert status == f"Added FAQ entry {faq_id}; the chat answers with it from now on."
    result = search(sessions, retriever, "can you wrap a present")
    assert result.confident and result.best.faq_id == faq_id
    assert load_faq(sessions, faq_id) == FaqForm(
        faq_id=faq_id, question=GIFT.question, answer=GIFT.answer, intent="shipping_info",
        alternates="Can you wrap a present?\ngift box?", tags="gifts, checkout", active=True,
    )


def test_edited_answer_is_what_search_returns(sessions, retriever):
    _, faq_id = save_faq(sessions, retriever.dense.sync, GIFT)
    form = load_faq(sessions, faq_id)
    status, same_id = save_faq(sessions, retriever.dense.sync, FaqForm(**{**form.__dict__, "answer": "Not any more, sorry."}))
    assert (status, same_id) == (f"Saved FAQ entry {faq_id}; the chat answers with it from now on.", faq_id)
    assert search(sessions, retriever, "gift wrapping").best.answer == "Not any more, sorry."


def test_inactive_entry_is_not_found(sessions, retriever):
    _, faq_id = save_faq(sessions, retriever.dense.sync, GIFT)
    save_faq(sessions, retriever.dense.sync, FaqForm(**{**load_faq(sessions, faq_id).__dict__, "active": False}))
    assert all(hit.faq_id != faq_id for hit in search(sessions, retriever, "gift wrapping").hits)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (FaqForm(question="Gift wrap?", answer="Yes."), "needs a question, an answer and an intent"),
        (FaqForm(question="   ", answer="Yes.", intent="shipping_info"), "The question is empty"),
        (FaqForm(question="Gift wrap?", answer="Yes.", intent="gifts"), "Unknown intent 'gifts'"),
        (FaqForm(faq_id=404, answer="Yes."), "no FAQ entry with id 404"),
    ],
)
def test_refused_save_says_why_and_changes_nothing(sessions, retriever, form, message):
    status, _ = save_faq(sessions, retriever.dense.sync, form)
    assert status.startswith("Not done: ") and message in status
    with session_scope(sessions) as session:
        assert count_faqs(session=session) == 0


def test_duplicate_question_names_the_existing_entry(sessions, retriever):
    _, faq_id = save_faq(sessions, retriever.dense.sync, GIFT)
    status, _ = save_faq(sessions, retriever.dense.sync, FaqForm(**{**GIFT.__dict__, "question": "do you offer GIFT wrapping"}))
    assert f"already exists as FAQ entry {faq_id}" in status


def test_table_searches_text_and_filters_by_intent(sessions, retriever):
    save_faq(sessions, retriever.dense.sync, GIFT)
    save_faq(sessions, retriever.dense.sync, FaqForm(question="How do I get a refund?", answer="Send it back within 30 days.",
                                          intent="return_refund"))
    assert list(faq_table(sessions)["question"]) == ["Do you offer gift wrapping?", "How do I get a refund?"]
    assert list(faq_table(sessions, "30 DAYS")["question"]) == ["How do I get a refund?"]
    assert list(faq_table(sessions, "", "shipping_info")["question"]) == ["Do you offer gift wrapping?"]
    row = faq_table(sessions, "gift").iloc[0]
    assert row["alternates"] == "Can you wrap a present? | gift box?"
    assert (row["tags"], row["active"]) == ("gifts, checkout", "yes")


def test_delete(sessions, retriever):
    _, faq_id = save_faq(sessions, retriever.dense.sync, GIFT)
    assert delete_faq_entry(sessions, None) == "Not done: Pick an entry in the table first."
    assert delete_faq_entry(sessions, faq_id) == f"Deleted FAQ entry {faq_id}."
    assert faq_table(sessions).empty
    assert delete_faq_entry(sessions, faq_id) == f"Not done: There is no FAQ entry with id {faq_id}."


def test_csv_export_then_import_round_trip(sessions, retriever, tmp_path):
    save_faq(sessions, retriever.dense.sync, GIFT)
    path = export_csv(sessions, tmp_path / "out")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows == [{"question": GIFT.question, "answer": GIFT.answer, "intent": "shipping_info",
                     "alternates": "Can you wrap a present?|gift box?", "tags": "gifts|checkout", "active": "yes"}]
    path.write_text(path.read_text(encoding="utf-8") + "Can I pay by invoice?,Yes for companies.,payment_billing,,,\n",
                    encoding="utf-8")
    assert import_csv(sessions, retriever.dense.sync, str(path)) == "Imported 2 rows: 1 added, 0 updated, 1 unchanged."
    assert search(sessions, retriever, "pay by invoice").best.answer == "Yes for companies."


def test_an_export_replaces_the_last_one_whole_and_a_failed_one_leaves_it(sessions, retriever, tmp_path):
    save_faq(sessions, retriever.dense.sync, GIFT)
    folder = exports_folder(tmp_path)
    first = export_csv(sessions, folder).read_text(encoding="utf-8")
    assert export_csv(sessions, folder) == folder / "faq-export.csv"

    def broken(*, session, stream):
        stream.write("question,answer\nhalf a file")
        raise UserInputError("The export stopped.")

    with pytest.raises(UserInputError, match="export stopped"):
        write_export(sessions, broken, folder / "faq-export.csv")
    assert [p.name for p in folder.iterdir()] == ["faq-export.csv"]
    assert (folder / "faq-export.csv").read_text(encoding="utf-8") == first


def test_bad_csv_files_are_refused_with_the_reason(sessions, retriever, tmp_path):
    bad_row = tmp_path / "bad.csv"
    bad_row.write_text("question,answer,intent\nGift wrap?,Yes.,gifts\n", encoding="utf-8")
    cyrillic = tmp_path / "cyrillic.csv"
    cyrillic.write_bytes("question,answer,intent\nРазмер?,Да, конечно.,shipping_info\n".encode("cp1251"))
    assert import_csv(sessions, retriever.dense.sync, None) == "Not done: Choose a CSV or Excel file to import first."
    assert "row 2: unknown intent 'gifts'" in import_csv(sessions, retriever.dense.sync, str(bad_row))
    assert "is not UTF-8 text" in import_csv(sessions, retriever.dense.sync, str(cyrillic))
    with session_scope(sessions) as session:
        assert count_faqs(session=session) == 0


def test_console_import_reads_excel_csv_in_windows_1252_and_says_so(sessions, retriever, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes('question,answer,intent\nTaille?,"Oui, très.",shipping_info\n'.encode("cp1252"))
    message = import_csv(sessions, retriever.dense.sync, str(latin))
    assert message.startswith("Imported 1 rows: 1 added") and "read as Windows-1252 text" in message
    assert search(sessions, retriever, "Taille?").best.answer == "Oui, très."


def test_console_import_guesses_missing_intents_with_the_router(sessions, retriever, tmp_path):
    from assistant.intent_guess import RouterIntentGuesser
    from tests.fakes import KeywordRouter

    path = tmp_path / "no-intents.csv"
    path.write_text("question,answer\nIs my card charged at once?,Yes when the order ships.\n", encoding="utf-8")
    guess = RouterIntentGuesser(KeywordRouter)
    assert import_csv(sessions, retriever.dense.sync, str(path), guess) == (
        "Imported 1 rows: 1 added, 0 updated, 0 unchanged; intent guessed for 1 new entries (check them in the FAQ list)."
    )
    assert search(sessions, retriever, "card charged").best.intent == "payment_billing"
    other = tmp_path / "retrieval-routing.csv"
    other.write_text("question,answer\nDo you gift wrap?,Yes.\n", encoding="utf-8")
    assert "row 2: the intent is empty (only an intent router (ASSISTANT_ROUTER) guesses one)" in import_csv(
        sessions, retriever.dense.sync, str(other))
