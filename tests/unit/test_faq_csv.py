from __future__ import annotations

import csv
import io

import pytest

from knowledge_base.db import session_scope
from knowledge_base.errors import CsvImportError, UserInputError
from knowledge_base.repositories.faq_csv import decode_csv, export_faqs_csv, import_faqs_csv, read_csv_text
from knowledge_base.repositories.faqs import FaqFields, add_faq, delete_faq, list_faqs, update_faq

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
    assert exported.splitlines()[0] == "question,answer,intent,alternates,tags,active"
    with session_scope(sessions) as session:
        stamps = [e.updated_at for e in list_faqs(session=session)]
    report = do_import(sessions, exported)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 2)
    with session_scope(sessions) as session:
        assert [e.updated_at for e in list_faqs(session=session)] == stamps
    with session_scope(sessions) as session:
        again = io.StringIO()
        export_faqs_csv(session=session, stream=again)
    assert again.getvalue() == exported


FORMULA_LIKE = [
    FaqFields('=HYPERLINK("http://evil.example","Track your parcel")', "+1 555 0100 is our hotline.",
              "shipping_info", alternates=["@SUM(A1:A9) orders?", "Where is it?"], tags=["-sale", "@home"]),
    FaqFields("-", "- Free returns within 30 days.\n- Refunds in 5 days.", "return_refund"),
    FaqFields("'Tis the season for sales?", "'Yes' is the answer.", "payment_billing",
              alternates=["'=1+1 question?"]),
]


def test_formula_like_cells_are_exported_as_text_and_imported_back_as_written(sessions):
    with session_scope(sessions) as session:
        for fields in FORMULA_LIKE:
            add_faq(session=session, fields=fields)
        out = io.StringIO()
        export_faqs_csv(session=session, stream=out)
        for entry in list_faqs(session=session):
            delete_faq(session=session, faq_id=entry.id)
    rows = list(csv.reader(io.StringIO(out.getvalue())))[1:]
    assert [row[:2] for row in rows] == [
        ['\'=HYPERLINK("http://evil.example","Track your parcel")', "'+1 555 0100 is our hotline."],
        ["'-", "'- Free returns within 30 days.\n- Refunds in 5 days."],
        ["'Tis the season for sales?", "'Yes' is the answer."],
    ]
    assert (rows[0][3], rows[0][4], rows[2][3]) == ("'@SUM(A1:A9) orders?|Where is it?", "'-sale|@home",
                                                    "''=1+1 question?")
    assert do_import(sessions, out.getvalue()).added == 3
    with session_scope(sessions) as session:
        imported = [(e.question, e.answer, e.alternate_questions, e.tags) for e in list_faqs(session=session)]
    assert imported == [(f.question, f.answer, list(f.alternates or []), list(f.tags or [])) for f in FORMULA_LIKE]
    assert do_import(sessions, out.getvalue()).unchanged == 3


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
        5: caught.value.problems[5],
        6: "the same question as row 2",
        7: "more cells than columns (is there a comma that should be inside quotes?)",
    }
    assert caught.value.problems[5].startswith("unknown intent 'teleportation' (known: ")
    assert "shipping_info" in caught.value.problems[5]
    assert "fix row(s) 3, 4, 5, 6, 7" in str(caught.value)
    assert stored_questions(sessions) == ["Existing?"]


def test_row_refused_while_writing_rolls_back_earlier_rows(sessions):
    text = "question,answer,intent\nGood one?,Yes.,shipping_info\n" + "Long?," + "x" * 6000 + ",shipping_info\n"
    with pytest.raises(CsvImportError, match="row 3: The answer is 6,000 characters long"):
        do_import(sessions, text)
    assert stored_questions(sessions) == []


def test_missing_columns_are_named(sessions):
    with pytest.raises(CsvImportError, match="row 1: missing column\\(s\\) answer;"):
        do_import(sessions, "question,alternates\nHi?,x\n")


def test_header_only_file_is_refused(sessions):
    with pytest.raises(UserInputError, match="header but no FAQ rows"):
        do_import(sessions, "question,answer,intent,alternates,tags\n")


WESTERN = "question,answer,intent\nDon’t you ship to Zürich?,Yes: €9.90 “express” – 2 days.,shipping_info\n"


def test_excel_csv_in_windows_1252_is_read_and_said_so(sessions):
    decoded = decode_csv(WESTERN.encode("cp1252"))
    assert decoded.encoding == "Windows-1252" and "Windows-1252" in decoded.note
    do_import(sessions, decoded.text)
    with session_scope(sessions) as session:
        (entry,) = list_faqs(session=session)
    assert entry.question == "Don’t you ship to Zürich?" and entry.answer == "Yes: €9.90 “express” – 2 days."


def test_excel_unicode_text_in_utf16_is_read(sessions):
    decoded = decode_csv(WESTERN.replace(",", "\t").replace("\n", "\r\n").encode("utf-16"))
    assert decoded.encoding == "UTF-16"
    do_import(sessions, decoded.text)
    assert stored_questions(sessions) == ["Don’t you ship to Zürich?"]


def test_utf8_needs_no_note():
    assert decode_csv(WESTERN.encode("utf-8")).note == ""


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("question,answer\n配送にはどのくらいかかりますか,2日です\n", "shift_jis"),
        ("question,answer\n配送にはどのくらいかかりますか,2日です\n", "euc_jp"),
        ("question,answer\n送货需要多长时间,两天\n", "gbk"),
        ("question,answer\nСколько идёт доставка?,Два дня\n", "cp1251"),
    ],
)
def test_other_encodings_are_refused_with_advice(text, codec):
    with pytest.raises(UserInputError, match="not UTF-8.*not European Windows-1252 or Windows-1250.*CSV UTF-8"):
        read_csv_text(text.encode(codec))


def test_utf8_with_one_stray_windows_1252_byte_is_refused_rather_than_garbled():
    raw = "question,answer\nLieferung nach München?,2–3 Tage\n".encode("utf-8") + b"Don\x92t,x\n"
    with pytest.raises(UserInputError, match="not UTF-8.*or it mixes them"):
        read_csv_text(raw)


CENTRAL_EUROPEAN = [
    ("Gdzie jest moja paczka?", "Przesyłka dotrze za dwa dni robocze; kurier zadzwoni."),
    ("Mohu zboží vyměnit?", "Ano, výměna velikosti je zdarma do čtrnácti dnů."),
    ("Mikor érkezik a cipőm?", "Általában két munkanapon belül; a futár előtte felhív."),
    ("Môžem platiť kartou?", "Áno, prijímame platobné karty aj prevod."),
]
WESTERN_EUROPEAN = [
    ("Puis-je échanger ma robe ?", "Oui, l'échange est gratuit pendant trente jours."),
    ("¿Cuánto tarda el envío?", "Dos días hábiles; ¡también enviamos a Canarias!"),
    ("Kann ich später bezahlen?", "Ja, per Rechnung innerhalb von 14 Tagen – gebührenfrei."),
    ("Kan jeg bytte størrelse?", "Ja, byt inden for 30 dage; det koster 0 kr."),
    ("Quanto custa o envio?", "Não há custos acima de 50 €; informação no site."),
    ("Onde fica a loja?", "Rua das Flores, nº 12, São Paulo."),
    ("Crème brûlée Tasse?", "Première Qualität, Kräuter à la carte."),
]


def faq_row_csv(question: str, answer: str) -> str:
    return f'question,answer,intent\n{question},"{answer}",shipping_info\n'


@pytest.mark.parametrize(("question", "answer"), CENTRAL_EUROPEAN)
def test_excel_csv_in_windows_1250_is_read_with_its_own_letters(sessions, question, answer):
    decoded = decode_csv(faq_row_csv(question, answer).encode("cp1250"))
    assert decoded.encoding == "Windows-1250" and "read as Windows-1250 text" in decoded.note
    do_import(sessions, decoded.text)
    with session_scope(sessions) as session:
        (entry,) = list_faqs(session=session)
    assert entry.question == question and entry.answer == answer


@pytest.mark.parametrize(("question", "answer"), WESTERN_EUROPEAN)
def test_western_european_code_page_is_not_mistaken_for_central_european(question, answer):
    text = faq_row_csv(question, answer)
    decoded = decode_csv(text.encode("cp1252"))
    assert decoded.encoding == "Windows-1252" and decoded.text == text


def test_a_mac_roman_file_that_reads_only_as_garbled_windows_1250_is_refused():
    with pytest.raises(UserInputError, match="not UTF-8.*save it as 'CSV UTF-8'"):
        decode_csv("question,answer\nCrème fraîche?,Oui, française et brûlée.\n".encode("mac_roman"))


def test_windows_1250_byte_that_windows_1252_leaves_undefined_is_read():
    decoded = decode_csv("sku,name\nP-1,Tričko s límečkem (světle šedé, ť)\n".encode("cp1250"))
    assert decoded.encoding == "Windows-1250" and "ť" in decoded.text


def test_broken_utf16_is_refused_with_advice():
    with pytest.raises(UserInputError, match="starts as UTF-16 text but byte 4 cannot be read"):
        read_csv_text(b"\xff\xfeq\x00\x00\xdc")


def test_utf8_with_byte_order_mark_is_read():
    assert read_csv_text("\ufeffquestion".encode("utf-8")) == "question"


def entry_by_question(sessions, question: str):
    with session_scope(sessions) as session:
        return next(e for e in list_faqs(session=session) if e.question == question)


def test_columns_left_out_leave_alternates_tags_and_state_as_they_are(sessions):
    do_import(sessions, GOOD)
    with session_scope(sessions) as session:
        entry = list_faqs(session=session)[0]
        update_faq(session=session, faq_id=entry.id, fields=FaqFields(active=False))
    report = do_import(sessions, "question,answer,intent\nHow long does delivery take?,2 days.,shipping_info\n")
    assert (report.added, report.updated) == (0, 1)
    entry = entry_by_question(sessions, "How long does delivery take?")
    assert entry.answer == "2 days."
    assert entry.alternate_questions == ["When will it arrive?", "Delivery time"]
    assert entry.tags == ["shipping"]
    assert entry.active is False


def test_active_column_is_exported_and_imported(sessions):
    do_import(sessions, GOOD)
    with session_scope(sessions) as session:
        entry = list_faqs(session=session)[1]
        update_faq(session=session, faq_id=entry.id, fields=FaqFields(active=False))
        out = io.StringIO()
        export_faqs_csv(session=session, stream=out)
        for row in list_faqs(session=session):
            delete_faq(session=session, faq_id=row.id)
    assert out.getvalue().splitlines()[2].endswith(",no")
    assert do_import(sessions, out.getvalue()).added == 2
    assert entry_by_question(sessions, "Can I pay with PayPal?").active is False
    assert entry_by_question(sessions, "How long does delivery take?").active is True


def test_an_active_cell_that_is_not_yes_or_no_is_named(sessions):
    with pytest.raises(CsvImportError, match="row 2: active must be yes or no, not 'maybe'"):
        do_import(sessions, "question,answer,intent,active\nOpen?,Yes.,shipping_info,maybe\n")


def test_row_numbers_count_blank_rows_and_blank_spreadsheet_rows_are_skipped(sessions):
    text = "question,answer,intent,tags\n\nFine?,Yes.,shipping_info,\n,,,\nBad?,Yes.,teleportation,\n"
    with pytest.raises(CsvImportError) as caught:
        do_import(sessions, text)
    assert list(caught.value.problems) == [5]
    assert do_import(sessions, text.replace("teleportation", "shipping_info")).added == 2


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(sessions, delimiter):
    text = delimiter.join(["question", "answer", "intent"]) + "\n"
    text += delimiter.join(["Do you ship, by boat?", '"Yes; by sea, and by air."', "shipping_info"]) + "\n"
    assert do_import(sessions, text).added == 1
    assert entry_by_question(sessions, "Do you ship, by boat?").answer == "Yes; by sea, and by air."


def test_an_unclosed_quote_names_the_row_where_it_opens(sessions):
    text = 'question,answer,intent\nFine?,Yes.,shipping_info\nOpen?,"never closed,shipping_info\nNext?,No.,greeting\n'
    with pytest.raises(CsvImportError, match='row 3: a quoted cell is never closed'):
        do_import(sessions, text)
    assert stored_questions(sessions) == []


def test_a_cell_over_the_csv_limit_names_its_row(sessions):
    text = "question,answer,intent\nFine?,Yes.,shipping_info\nHuge?," + "x" * 200_000 + ",shipping_info\n"
    with pytest.raises(CsvImportError, match="row 3: a cell is longer than 131,072 characters"):
        do_import(sessions, text)


def test_a_column_named_twice_is_refused(sessions):
    with pytest.raises(CsvImportError, match="row 1: the column\\(s\\) answer appear more than once"):
        do_import(sessions, "question,answer,intent,answer\nQ?,A.,shipping_info,B.\n")


def test_an_empty_file_is_called_empty():
    with pytest.raises(UserInputError, match="The file is empty"):
        read_csv_text(b"  \n")


def test_a_control_character_in_an_answer_is_refused_with_its_row(sessions):
    with pytest.raises(CsvImportError, match=r"row 2: The answer contains an invisible control character \(U\+0000\) at character 2"):
        do_import(sessions, "question,answer,intent\nNul?,A\x00B,shipping_info\n")
    assert stored_questions(sessions) == []


def test_list_contains_matches_percent_and_underscore_literally(sessions):
    with session_scope(sessions) as session:
        add_faq(session=session, fields=FaqFields("Is there 10% off?", "On Mondays.", "shipping_info"))
        add_faq(session=session, fields=FaqFields("Do you ship?", "Yes.", "shipping_info"))
        assert [e.question for e in list_faqs(session=session, contains="%")] == ["Is there 10% off?"]
        assert list_faqs(session=session, contains="_") == []


class TableGuess:
    """An intent guess that looks each entry's question up in a table and records the wordings it was given."""

    def __init__(self, table: dict[str, str | None]) -> None:
        self.table = table
        self.asked: list[list[str]] = []

    def __call__(self, wordings):
        self.asked.append(list(wordings))
        return self.table.get(wordings[0])


def test_rows_without_an_intent_get_the_guessed_one(sessions):
    guess = TableGuess({"Do you gift wrap?": "shipping_info", "Student discount?": "payment_billing"})
    text = "question,answer,alternates\nDo you gift wrap?,Yes.,Can you wrap it|Gift wrap\nStudent discount?,10%.,\n"
    with session_scope(sessions) as session:
        report = import_faqs_csv(session=session, text=text, guess_intent=guess)
    assert report.guessed == [("Do you gift wrap?", "shipping_info"), ("Student discount?", "payment_billing")]
    assert "intent guessed for 2 new entries" in report.summary()
    assert guess.asked == [["Do you gift wrap?", "Can you wrap it", "Gift wrap"], ["Student discount?"]]
    with session_scope(sessions) as session:
        assert [(e.question, e.intent.name) for e in list_faqs(session=session)] == [
            ("Do you gift wrap?", "shipping_info"), ("Student discount?", "payment_billing")]


def test_an_empty_intent_keeps_an_existing_entrys_intent_without_guessing(sessions):
    with session_scope(sessions) as session:
        add_faq(session=session, fields=FaqFields("Existing?", "Old.", "payment_billing"))
    guess = TableGuess({})
    with session_scope(sessions) as session:
        report = import_faqs_csv(session=session, text="question,answer,intent\nExisting?,New.,\n", guess_intent=guess)
    assert (report.updated, report.guessed, guess.asked) == (1, [], [])
    with session_scope(sessions) as session:
        (entry,) = list_faqs(session=session)
        assert (entry.answer, entry.intent.name) == ("New.", "payment_billing")


def test_a_new_entry_without_intent_or_router_is_refused_and_nothing_is_stored(sessions):
    text = "question,answer,intent\nFine?,Yes.,shipping_info\nNo intent?,Yes.,\n"
    with pytest.raises(CsvImportError) as caught:
        do_import(sessions, text)
    assert caught.value.problems[3].startswith(
        "the intent is empty (only an intent router (ASSISTANT_ROUTER) guesses one); name one of the known intents: ")
    assert "shipping_info" in caught.value.problems[3]
    assert stored_questions(sessions) == []


def test_a_guess_the_router_cannot_make_is_named(sessions):
    guess = TableGuess({"Known?": "shipping_info", "Unclear?": None, "Removed intent?": "teleportation"})
    text = "question,answer\nKnown?,Yes.\nUnclear?,Yes.\nRemoved intent?,Yes.\n"
    with pytest.raises(CsvImportError) as caught, session_scope(sessions) as session:
        import_faqs_csv(session=session, text=text, guess_intent=guess)
    assert sorted(caught.value.problems) == [3, 4]
    assert all(p.startswith("the intent is empty (the intent router could not tell)") for p in caught.value.problems.values())
    assert stored_questions(sessions) == []


def test_answers_written_in_html_are_imported_as_markdown(sessions):
    text = ('question,answer,intent\nDo you ship to Norway?,"<p>Yes, to <strong>Norway</strong> too.</p>'
            '<ul><li>3-5 days</li><li>Duties paid</li></ul>",shipping_info\n'
            "Can I say I <3 your shop?,I <3 it too.,account_login\n")
    report = do_import(sessions, text)
    assert report.from_html == 1 and report.summary().endswith("; 1 rows converted from HTML to Markdown")
    with session_scope(sessions) as session:
        answers = [e.answer for e in list_faqs(session=session)]
    assert answers == ["Yes, to **Norway** too.\n\n- 3-5 days\n- Duties paid", "I <3 it too."]


def test_an_answer_that_is_only_html_tags_is_refused_as_empty(sessions):
    with pytest.raises(CsvImportError, match="row 2: the answer is empty once its HTML tags are removed"):
        do_import(sessions, "question,answer,intent\nDo you ship?,<p> <br></p>,shipping_info\n")
    assert stored_questions(sessions) == []


def test_a_help_centre_export_is_read_by_its_own_column_names(sessions):
    report = do_import(sessions, 'Title,Body,Labels,Intent,Section\n'
                                 'Do you ship to Norway?,"<p>Yes, in <b>3-5 days</b>.</p>",Shipping,shipping_info,kim\n'
                                 "Do you take PayPal?,Yes.,Payment,payment_billing,kim\n")
    assert report.summary() == ("2 rows: 2 added, 0 updated, 0 unchanged (columns read as: Title -> question, "
                                "Body -> answer, Labels -> tags); 1 rows converted from HTML to Markdown")
    with session_scope(sessions) as session:
        entries = list_faqs(session=session)
        assert [(e.answer, list(e.tags)) for e in entries] == [("Yes, in **3-5 days**.", ["shipping"]),
                                                                 ("Yes.", ["payment"])]
