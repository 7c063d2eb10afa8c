"""A store's own orders: `assistant orders import`, then a customer asks about one over two turns."""

from __future__ import annotations

import pytest

from tests.cli_runner import ask, run

pytestmark = pytest.mark.slow


def test_imported_orders_answer_order_questions(tmp_path):
    data_dir = tmp_path / "store"
    run(data_dir, "init")
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_number,customer_email,customer_name,status,placed_at,carrier,tracking_number,estimated_delivery\n"
        "FG-300001,ana@example.com,Ana,in_transit,2026-11-18,DHL,JD014600003,2026-11-26\n", encoding="utf-8")
    assert "1 orders: 1 added, 0 updated" in run(data_dir, "orders", "import", str(orders)).stdout
    first = ask(data_dir, "hi, where is my parcel?")
    assert first["action"] == "ask_order_number"
    second = ask(data_dir, "it's 300001", "--conversation", first["conversation_id"])  # asked for: digits alone do
    assert (second["action"], second["order_number"]) == ("order_status", "FG-300001")
    assert "JD014600003" in second["reply"] and "26 November 2026" in second["reply"]
    bad = tmp_path / "bad.csv"
    bad.write_text("order_number,customer_email,status,placed_at\n300002,b@example.com,paid,2026-11-20\n")
    result = run(data_dir, "orders", "import", str(bad), code=2)
    assert "row 2: the order number '300002' does not look like FG-123456" in result.stderr
