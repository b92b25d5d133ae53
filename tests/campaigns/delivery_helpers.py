"""A tiny hand-made shop for the delivery tests, and a fake e-mail sender."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from promopilot.campaigns.settings import SendSettings
from promopilot.campaigns.smtp import PermanentFailure
from promopilot.data.ingest import ingest
from promopilot.data.store import Store

PRODUCTS = pd.DataFrame(
    {
        "product_id": ["P1", "P2", "P3", "P4"],
        "title": ["纯棉T恤 纯棉短袖", "羊毛围巾", "Leather wallet", "保温杯"],
        "price": [59.0, 129.5, 88.0, 45.0],
    }
)
CUSTOMERS = pd.DataFrame(
    {
        "customer_id": [f"C{i}" for i in range(1, 11)],
        "region": ["上海", "London", "北京", "", "浙江", "Berlin", "", "广东", "", "四川"],
        "email": [f"buyer{i}@example.com" if i != 7 else "" for i in range(1, 11)],
        "phone": [f"1380000{i:04d}" for i in range(1, 11)],
        "name": ["王芳", "Alice Smith", "李雷", "Bob", "张伟", "Eve", "Tom", "陈静", "Ann", "刘洋"],
    }
)
OFFERS = pd.DataFrame(
    {
        "offer_id": ["pct10", "mj150_20", "ship"],
        "kind": ["percent_off", "amount_off", "free_shipping"],
        "value": [0.1, 20, 8],
        "min_spend": [0, 150, 0],
        "send_cost": [0.05, 0.05, 0.05],
        "valid_days": [14, 14, 7],
    }
)
ORDERS = pd.DataFrame(
    {
        "order_id": ["O1", "O2"],
        "timestamp": ["2026-10-01", "2026-10-02"],
        "customer_id": ["C1", "C2"],
        "product_id": ["P1", "P3"],
        "quantity": [1, 1],
        "unit_price": [59.0, 88.0],
        "coupon_code": ["OLDCODE123", ""],
    }
)
REVIEWS = pd.DataFrame(
    {
        "customer_id": ["C4", "C4", "C9", "C5"],
        "product_id": ["P1", "P2", "P3", "P1"],
        "text": ["Great shirt, fits well", "lovely scarf", "质量很好，很喜欢", "Nice but small"],
        "rating": [5, 4, 5, 3],
    }
)
UNSUBSCRIBES = pd.DataFrame(
    {
        "customer_id": ["C3", "C5"],
        "unsubscribed_at": ["2026-09-01", "2026-09-15"],
        "channel": ["", "email"],
    }
)
# C1..C10: target, control and explore, with offers for the non-control customers
PLAN = pd.DataFrame(
    {
        "customer_id": [f"C{i}" for i in range(1, 11)],
        "offer_id": [
            "pct10",
            "",
            "mj150_20",
            "ship",
            "pct10",
            "",
            "pct10",
            "mj150_20",
            "ship",
            "pct10",
        ],
        "group": [
            "target",
            "control",
            "target",
            "explore",
            "target",
            "control",
            "target",
            "target",
            "explore",
            "target",
        ],
        "propensity": [0.9, 0.1, 0.9, 0.05, 0.9, 0.1, 0.9, 0.9, 0.05, 0.9],
        "expected_incremental_profit": 1.0,
        "expected_cost": 2.0,
        "recommended_products": [
            "P1|P2",
            "",
            "P3|P1|P4",
            "P2",
            "P4|P3",
            "",
            "P1",
            "P2|P4|P1",
            "P3",
            "P1|P2|P3",
        ],
        "reason": "test",
        "expires_at": "2026-12-20",
    }
)
# offered (not control): C1 C3 C4 C5 C7 C8 C9 C10; unsubscribed: C3 (all), C5 (email);
# no e-mail address: C7. So e-mail goes to C1 C4 C8 C9 C10.
EMAILED = ["C1", "C10", "C4", "C8", "C9"]


def write_shop(folder: Path, *, unsubscribes: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "products": PRODUCTS,
        "customers": CUSTOMERS,
        "offers": OFFERS,
        "orders": ORDERS,
        "reviews": REVIEWS,
    }
    if unsubscribes:
        tables["unsubscribes"] = UNSUBSCRIBES
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    return folder


# the tiny shop ingested once per test process: ingesting it took 0.4 s of CPU, a copy 0.04 s
_INGESTED: list[Path] = []


def make_store(tmp_path: Path) -> Store:
    """The tiny shop ingested into `tmp_path / "shop.duckdb"`: this test's own copy of a file
    ingested once per process."""
    if not _INGESTED:
        folder = Path(tempfile.mkdtemp(prefix="promopilot-delivery-shop-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        with Store(folder / "shop.duckdb") as store:
            ingest(store, write_shop(folder / "shop"))
        _INGESTED.append(folder / "shop.duckdb")
    shutil.copyfile(_INGESTED[0], tmp_path / "shop.duckdb")
    return Store(tmp_path / "shop.duckdb")


def write_plan(path: Path, plan: pd.DataFrame = PLAN) -> Path:
    plan.to_csv(path, index=False, encoding="utf-8")
    return path


def settings(**changes) -> SendSettings:
    base = {
        "from_address": "shop@example.com",
        "rate": 1000.0,
        "retry_backoff": 0.0,
        "shop_name": "小店",
        "language": "auto",
    }
    return SendSettings(**{**base, **changes}).validate()


class FakeSender:
    """Records messages; raises `error` on the message numbered `fail_at` (1-based) and after."""

    def __init__(
        self,
        fail_at: int | None = None,
        error: BaseException | None = None,
        refuse: set[str] | None = None,
    ) -> None:
        self.messages = []
        self.fail_at = fail_at
        self.error = error or RuntimeError("the process died")
        self.refuse = refuse or set()

    def send(self, message) -> int:
        if self.fail_at is not None and len(self.messages) + 1 >= self.fail_at:
            raise self.error
        if message["To"] in self.refuse:
            raise PermanentFailure("SMTP 550 mailbox unavailable")
        self.messages.append(message)
        return 1

    def close(self) -> None:
        pass

    @property
    def recipients(self) -> list[str]:
        return sorted(str(m["To"]) for m in self.messages)
