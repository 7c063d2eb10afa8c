from __future__ import annotations

import pytest
from PIL import Image

from assistant.errors import CsvImportError, UserInputError
from assistant.fusion.lifecycle import router_data
from assistant.fusion.operator_data import import_intent_examples
from assistant.images import ImageLimits
from knowledge_base.db import session_scope
from knowledge_base.repositories.training_examples import list_training_examples

LIMITS = ImageLimits(max_pixels=10_000_000, max_bytes=5_000_000)


def write(tmp_path, text: str):
    path = tmp_path / "examples.csv"
    path.write_text(text, encoding="utf-8")
    return path


def run_import(sessions, path, tmp_path):
    with session_scope(sessions) as session:
        return import_intent_examples(session=session, path=path, image_dir=tmp_path / "images", limits=LIMITS)


def stored(sessions):
    with session_scope(sessions) as session:
        return list_training_examples(session=session)


def test_rows_with_and_without_pictures_are_stored_and_join_the_training_data(sessions, tmp_path):
    Image.new("RGB", (64, 48), "red").save(tmp_path / "declined.png")
    path = write(tmp_path, "text,intent,image\nmy card got refused,payment_billing,\nsee this,payment_billing,declined.png\n")
    report = run_import(sessions, path, tmp_path)
    assert (report.added, report.images) == (2, 1)
    rows = stored(sessions)
    assert rows[0].text == "my card got refused" and rows[0].image_path is None
    assert rows[1].image_path.endswith(".png") and (tmp_path / "images").is_dir()
    with session_scope(sessions) as session:
        data = router_data(session)
    assert any(e.text == "see this" and e.kind == "operator" for e in data.train)


@pytest.mark.parametrize(
    ("csv_text", "expected"),
    [
        ("text,intent\nhello,no_such_intent\n", "row 2: unknown intent 'no_such_intent'"),
        ("text,intent\n,payment_billing\n", "row 2: neither text nor an image"),
        ("text,intent,image\nlook,payment_billing,missing.png\n", "row 2: the image 'missing.png' does not exist"),
        ("text,intent,image\nlook,payment_billing,broken.png\n", "row 2: the image 'broken.png' cannot be used"),
        ("words,label\nhello,greeting\n", "row 1: missing column(s) text, intent; the first row must name the columns text,intent,image"),
    ],
)
def test_a_bad_row_imports_nothing_and_names_the_row(sessions, tmp_path, csv_text, expected):
    (tmp_path / "broken.png").write_bytes(b"not a picture at all")
    path = write(tmp_path, "text,intent\nfine row,payment_billing\n" + csv_text.split("\n", 1)[1]
                 if csv_text.startswith("text,intent\n") else csv_text)
    with pytest.raises(CsvImportError) as raised:
        run_import(sessions, path, tmp_path)
    assert expected.split(": ", 1)[1] in str(raised.value)
    assert stored(sessions) == []


def test_a_missing_file_and_an_empty_file_are_clear_errors(sessions, tmp_path):
    with pytest.raises(UserInputError, match="There is no file"):
        run_import(sessions, tmp_path / "nope.csv", tmp_path)
    with pytest.raises(UserInputError, match="no example rows"):
        run_import(sessions, write(tmp_path, "text,intent,image\n"), tmp_path)


def test_importing_the_same_file_twice_adds_its_rows_once(sessions, tmp_path):
    Image.new("RGB", (64, 48), "red").save(tmp_path / "declined.png")
    path = write(tmp_path, "text,intent,image\nrefused,payment_billing,\nrefused,payment_billing,\n"
                           "see this,payment_billing,declined.png\n")
    first = run_import(sessions, path, tmp_path)
    assert (first.added, first.images, first.skipped) == (2, 1, 1)
    second = run_import(sessions, path, tmp_path)
    assert (second.added, second.skipped) == (0, 3)
    assert len(stored(sessions)) == 2


def test_a_control_character_in_the_text_is_refused_with_its_row(sessions, tmp_path):
    path = write(tmp_path, "text,intent\nfine,greeting\nnul \x00 here,greeting\n")
    with pytest.raises(CsvImportError, match=r"row 3: The text contains an invisible control character \(U\+0000\)"):
        run_import(sessions, path, tmp_path)
    assert stored(sessions) == []


def test_a_windows_1252_file_is_read_and_says_so(sessions, tmp_path):
    path = tmp_path / "examples.csv"
    path.write_bytes("text,intent\nmy card’s refused,payment_billing\n".encode("cp1252"))
    report = run_import(sessions, path, tmp_path)
    assert report.added == 1 and "read as Windows-1252 text" in report.note
    assert [example.text for example in stored(sessions)] == ["my card’s refused"]
