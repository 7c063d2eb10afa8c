"""Staff import FAQ entries from a CSV file and retrain the intent router from the console."""

from __future__ import annotations

import re

import pytest

from tests.browser.chat_page import last_answer, open_chat, send
from tests.browser.console_page import open_tab
from tests.browser.test_chat_staff import staff_page  # noqa: F401  (the signed-in staff page fixture)

pytestmark = pytest.mark.slow
RETRAIN_TIMEOUT_MS = 900_000
UPLOAD_TIMEOUT_MS = 90_000
"""An upload shows its file name within seconds, but can take a minute while other jobs busy both cores."""


def test_a_csv_import_adds_entries_with_alternates_the_chat_answers_with(live_server, page, staff_page, shot, tmp_path):
    answer = "Yes: choose 'Collect at Ferngrove Rotterdam' at checkout and bring your order number."
    csv_file = tmp_path / "pickup.csv"
    csv_file.write_text(
        "question,answer,intent,alternates,tags\n"
        f"Can I pick up my order at your Rotterdam store?,\"{answer}\",shipping_info,"
        "Is there click and collect at the Rotterdam shop?,store|pickup\n",
        encoding="utf-8")
    open_tab(staff_page, "FAQ")
    staff_page.get_by_text("CSV import and export").click()
    staff_page.locator("#faq-upload input[type=file]").set_input_files(str(csv_file))
    staff_page.locator("#faq-upload", has_text="pickup.csv").wait_for(timeout=UPLOAD_TIMEOUT_MS)
    staff_page.get_by_role("button", name="Import", exact=True).click()
    staff_page.locator("#faq-status", has_text="Imported 1 rows: 1 added").wait_for()
    shot(staff_page, "imported")

    open_chat(page, live_server.url)
    send(page, "Is there click and collect at the Rotterdam shop?")
    shot(page, "answered-from-the-import")
    assert answer in last_answer(page)


@pytest.fixture
def router_restored(live_server):
    """The retraining test swaps in a one-epoch router; later tests get the shipped one back."""
    runtime = live_server.runtime
    shipped = runtime.router
    yield
    runtime.__dict__["router"] = shipped
    runtime.assistant.router = shipped


def test_retraining_shows_progress_and_the_new_models_metrics(live_server, staff_page, shot, router_restored):
    before = live_server.runtime.assistant.router
    open_tab(staff_page, "Retraining")
    staff_page.get_by_role("button", name="Retrain the router").click()
    staff_page.get_by_text("reading train pictures").first.wait_for(timeout=120_000)
    shot(staff_page, "retraining-progress")
    staff_page.get_by_text("Retrained: the chat routes with the new model").wait_for(timeout=RETRAIN_TIMEOUT_MS)
    shot(staff_page, "retrained")
    metrics = staff_page.get_by_label("Metrics of the new model").inner_text()
    assert "test / accuracy" in metrics and "test / macro_f1" in metrics
    assert live_server.runtime.assistant.router is not before


def test_a_product_csv_and_its_photo_uploaded_together_answer_a_customers_photo(live_server, page, staff_page,
                                                                                shot, tmp_path):
    from PIL import Image
    from skimage import data as photos

    Image.fromarray(photos.coffee()).save(tmp_path / "mug.png")
    csv_file = tmp_path / "mugs.csv"
    csv_file.write_text("sku,name,category,price,description,photos\n"
                        "MUG-1,Coffee mug,Homeware,12.50,A white porcelain mug.,mug.png\n", encoding="utf-8")
    open_tab(staff_page, "Products and orders")
    staff_page.get_by_text("Import products").click()
    staff_page.locator("#product-upload input[type=file]").set_input_files([str(csv_file), str(tmp_path / "mug.png")])
    staff_page.locator("#product-upload", has_text=re.compile(r"mug\s*\.png")).wait_for(timeout=UPLOAD_TIMEOUT_MS)
    staff_page.locator("#product-upload").locator("xpath=..").get_by_role("button", name="Import", exact=True).click()
    staff_page.locator("#product-import-status", has_text="Imported 1 products: 1 added").wait_for()
    shot(staff_page, "products-imported")

    photo = tmp_path / "my-mug.jpg"
    Image.open(tmp_path / "mug.png").crop((40, 30, 560, 380)).save(photo, quality=75)
    open_chat(page, live_server.url)
    send(page, "how much is this?", files=(photo,))
    assert "This looks like our Coffee mug" in last_answer(page)
