"""Chinese exports as shop owners hand them over: a 折扣 column of rates (0.9 = 10 % off) and
follow-up reviews (追评)."""

from __future__ import annotations

from pathlib import Path

import pytest

from promopilot.cli import main
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError

ORDERS = "订单号,下单时间,买家ID,商品编码,数量,单价,折扣\n"


def write(path: Path, text: str, encoding: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture()
def store():
    with Store(":memory:") as s:
        yield s


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_discount_column_of_rates_is_refused_in_one_line(tmp_path, store, encoding, capsys):
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        ORDERS + "A1,2026/11/11 20:15:03,tb_lily,TB1,1,199.00,1\n"
        "A2,2026/11/12 20:15:03,tb_bob,TB2,2,89.00,0.9\n"
        "A3,2026/11/13 20:15:03,tb_bob,TB1,1,199.00,0.85\n",
        encoding,
    )
    with pytest.raises(InputError) as refused:
        ingest(store, shop)
    message = str(refused.value)
    assert "orders.csv: line 3, column 折扣: 0.9 looks like a discount rate (10% off" in message
    assert "优惠金额" in message and "折扣率" in message
    assert store.scalar("SELECT count(*) FROM orders") == 0  # nothing half-loaded
    with pytest.raises(SystemExit) as stop:
        main(["ingest", str(shop), "--db", str(tmp_path / "shop.duckdb")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "column 折扣" in err[0]


def test_a_discount_column_of_money_off_still_loads(tmp_path, store):
    shop = tmp_path / "shop"
    write(
        shop / "orders.csv",
        ORDERS + "A1,2026/11/11 20:15:03,tb_lily,TB1,1,199.00,20\n"
        "A2,2026/11/12 20:15:03,tb_bob,TB2,2,89.00,0\n"
        "A3,2026/11/13 20:15:03,tb_bob,TB1,1,199.00,0.5\n",
        "gbk",
    )
    ingest(store, shop)
    discounts = store.table("orders").set_index("order_id")["discount"].to_dict()
    assert discounts == {"A1": 20.0, "A2": 0.0, "A3": 0.5}
