"""Every ``promopilot`` command on shop folders shaped as real exports, made from the UCI sample.

    .venv/bin/python bench/shop_folders.py                 # every folder
    .venv/bin/python bench/shop_folders.py --only woo cn-every
    .venv/bin/python bench/shop_folders.py --keep DIR      # keep the folders and stores in DIR

The committed sample of UCI Online Retail (``tests/fixtures/uci-online-retail-sample``, CC BY
4.0; its README says how it was cut) is rewritten into shop folders as shops hand them over:
the same customers, invoices, products, quantities and prices, in another export's columns,
encoding, delimiter, number and date format, with optional tables or columns left out. Needs
no ``../shared``. Each folder then gets what ``bench/real_commands.py`` runs on the public
datasets (ingest, summary, profile, recommend, similar, plan, uplift, send, report,
evaluate-policy, retrain, forget), each as its own process, and the same table: exit code,
seconds, traceback or warning lines, output columns empty in every row.

Folders (what each leaves out or changes):

- ``uci-titled``: the UCI file alone, under two title lines a back office writes above the header;
- ``cn-linetotals``: GBK, Chinese headers (订单编号, 商品编号, 数量, 实付金额 as the paid line
  total, no unit price, 下单时间 as ``2010/12/01 09:09``, 买家会员名); no products, customers or
  events;
- ``events-only``: a view and a purchase event per order line; no orders;
- ``eur-bare``: orders alone, ``;``-delimited, decimal commas, dates ``01.12.2010 09:09``;
- ``reviews-zh``: a Chinese review export alone (one review per customer's first product),
  given to ``ingest`` and ``sentiment --in`` as a file;
- ``utf16-offers``: the orders in UTF-16 (with its BOM) and an offers file;
- ``woo``: a WooCommerce orders export (Order Number, Order Status, Order Date as
  ``dd/mm/yyyy``, Customer User ID, Item SKU, Item Name, Quantity, Item Cost, Order Currency);
  here and in ``shopify`` UCI's cancellation invoices are left out (they name no sale, where
  these platforms mark the sale's own order refunded) and one order in 20 is marked refunded;
- ``shopify``: a Shopify orders export (``orders_export.csv``: Name, Email, Financial Status,
  Currency, Created at and Billing Name on an order's first line only, Lineitem quantity, name,
  price and sku);
- ``xlsx``: the UCI columns in ``orders.xlsx`` with a ``products.xlsx`` beside it;
- ``jd``: a JD (京东) order export (订单号, 商品ID, 商品名称, 订购数量, 下单时间, 京东价, 订单状态,
  下单帐号), one order in 20 已取消;
- ``pdd``: a Pinduoduo (拼多多) order export with no buyer id: customers are told apart by the
  recipient's mobile number (手机, made up from the UCI id), kept in contacts only; its money
  columns 商品总价, 店铺优惠折扣, 平台优惠折扣, 邮费 and 用户实付金额 (the discount read is the
  shop's share);
- ``cn-every``: Chinese orders in UTF-16 without a BOM, offers written 每满150减20,
  满100减10上不封顶, 满99包邮, 满150减20 and 9折, and 40 Chinese reviews, one rated 12
  (quarantined).

Plans that send nothing (the self-check finds no past randomized campaign to value a policy on)
leave ``offer_id`` and ``expires_at`` empty; the table counts those as empty columns, as the
real-data benchmark does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from real_commands import REPO, Run, print_table, review_commands, shop_commands

SAMPLE = REPO / "tests" / "fixtures" / "uci-online-retail-sample" / "online-retail-sample.csv"

REVIEW_TEXTS = (
    "质量很好，物流也快，下次还会再来",
    "包装破损了，客服态度一般",
    "和描述一致，性价比高",
    "颜色有色差，不太满意",
    "非常喜欢，已经推荐给朋友",
    "发货太慢了，等了一个星期",
    "做工精细，送人很有面子",
    "一般般吧，没有想象中好",
)


def uci() -> pd.DataFrame:
    """The sample's lines with a customer (guest lines have none to profile)."""
    raw = pd.read_csv(SAMPLE, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    raw = raw[raw["CustomerID"].notna()].copy()
    raw["CustomerID"] = raw["CustomerID"].str.removesuffix(".0")
    raw["when"] = pd.to_datetime(raw["InvoiceDate"])
    return raw


def write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8", **kw) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.to_csv(index=False, lineterminator="\n", **kw)
    path.write_bytes(text.encode(encoding))


def uci_titled(folder: Path, lines: pd.DataFrame) -> None:
    body = SAMPLE.read_text(encoding="utf-8")
    (folder / "orders.csv").write_text("Online Retail: order lines\nexported 2011-12-09\n" + body)


def chinese_orders(lines: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "订单编号": lines["InvoiceNo"],
            "下单时间": lines["when"].dt.strftime("%Y/%m/%d %H:%M"),
            "买家会员名": "会员" + lines["CustomerID"],
            "商品编号": lines["StockCode"],
            "数量": lines["Quantity"],
            "实付金额": (lines["Quantity"] * lines["UnitPrice"]).round(2),
        }
    )


def cn_linetotals(folder: Path, lines: pd.DataFrame) -> None:
    write_csv(chinese_orders(lines), folder / "orders.csv", encoding="gbk")


def events_only(folder: Path, lines: pd.DataFrame) -> None:
    sold = lines[lines["Quantity"] > 0]
    base = {"customer_id": sold["CustomerID"], "product_id": sold["StockCode"]}
    views = pd.DataFrame(
        {**base, "event": "view", "timestamp": sold["when"] - pd.Timedelta("5min")}
    )
    buys = pd.DataFrame({**base, "event": "purchase", "timestamp": sold["when"]})
    events = pd.concat([views, buys]).sort_values("timestamp")
    events["timestamp"] = events["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    write_csv(events, folder / "events.csv")


def eur_bare(folder: Path, lines: pd.DataFrame) -> None:
    frame = pd.DataFrame(
        {
            "Order": lines["InvoiceNo"],
            "Date": lines["when"].dt.strftime("%d.%m.%Y %H:%M"),
            "Customer": lines["CustomerID"],
            "SKU": lines["StockCode"],
            "Qty": lines["Quantity"],
            "Price": lines["UnitPrice"],
        }
    )
    write_csv(frame, folder / "orders.csv", sep=";", decimal=",")


def chinese_reviews(lines: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    first = lines[lines["Quantity"] > 0].drop_duplicates("CustomerID").head(n)
    k = range(len(first))
    return pd.DataFrame(
        {
            "买家会员名": "会员" + first["CustomerID"].to_numpy(),
            "商品编号": first["StockCode"].to_numpy(),
            "评价内容": [REVIEW_TEXTS[i % len(REVIEW_TEXTS)] for i in k],
            "评分": [(5, 2, 5, 2, 4, 1, 5, 3)[i % 8] for i in k],
            "评价时间": (first["when"] + pd.Timedelta("3D")).dt.strftime("%Y-%m-%d %H:%M").array,
        }
    )


def reviews_zh(folder: Path, lines: pd.DataFrame) -> None:
    write_csv(chinese_reviews(lines), folder / "reviews.csv")


def utf16_offers(folder: Path, lines: pd.DataFrame) -> None:
    (folder / "orders.csv").write_bytes(SAMPLE.read_text(encoding="utf-8").encode("utf-16"))
    offers = "offer_id,kind,value,min_spend\npct10,percent_off,0.10,\noff5,amount_off,5,50\n"
    (folder / "offers.csv").write_text(offers + "ship,free_shipping,4.95,\n", encoding="utf-8")


def sales_refunded(lines: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The sale lines (UCI's cancellations are invoices of their own that name no sale, where
    these platforms mark the sale's own order refunded: left out) and, per line, whether its
    order is marked refunded (one order in 20, by its number)."""
    sales = lines[~lines["InvoiceNo"].str.startswith("C")]
    return sales, sales["InvoiceNo"].astype(int) % 20 == 0


def woo(folder: Path, lines: pd.DataFrame) -> None:
    sales, refunded = sales_refunded(lines)
    frame = pd.DataFrame(
        {
            "Order Number": sales["InvoiceNo"],
            "Order Status": refunded.map({True: "refunded", False: "completed"}),
            "Order Date": sales["when"].dt.strftime("%d/%m/%Y %H:%M"),
            "Customer User ID": sales["CustomerID"],
            "Item SKU": sales["StockCode"],
            "Item Name": sales["Description"],
            "Quantity": sales["Quantity"],
            "Item Cost": sales["UnitPrice"],
            "Order Currency": "GBP",
        }
    )
    write_csv(frame, folder / "orders.csv")


def shopify(folder: Path, lines: pd.DataFrame) -> None:
    """Shopify's orders export: order-level fields on an order's first line only, customers
    known by their e-mail (made up here from the UCI id; stored apart, hashed as the id)."""
    sales, refunded = sales_refunded(lines)
    first = ~sales["InvoiceNo"].duplicated()
    only_first = lambda values: values.where(first, "")  # noqa: E731
    frame = pd.DataFrame(
        {
            "Name": "#" + sales["InvoiceNo"],
            "Email": only_first("c" + sales["CustomerID"] + "@example.com"),
            "Financial Status": only_first(refunded.map({True: "refunded", False: "paid"})),
            "Currency": only_first(pd.Series("GBP", index=sales.index)),
            "Created at": only_first(sales["when"].dt.strftime("%Y-%m-%d %H:%M:%S +0000")),
            "Lineitem quantity": sales["Quantity"],
            "Lineitem name": sales["Description"].fillna(sales["StockCode"]),
            "Lineitem price": sales["UnitPrice"],
            "Lineitem sku": sales["StockCode"],
            "Billing Name": only_first("Customer " + sales["CustomerID"]),
        }
    )
    write_csv(frame, folder / "orders_export.csv")


def jd(folder: Path, lines: pd.DataFrame) -> None:
    """A JD (京东) back office's order export: 下单帐号 the buyer, 京东价 the unit price."""
    sales, refunded = sales_refunded(lines)
    frame = pd.DataFrame(
        {
            "订单号": sales["InvoiceNo"],
            "商品ID": sales["StockCode"],
            "商品名称": sales["Description"],
            "订购数量": sales["Quantity"],
            "下单时间": sales["when"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "京东价": sales["UnitPrice"],
            "订单状态": refunded.map({True: "已取消", False: "完成"}),
            "下单帐号": "jd_" + sales["CustomerID"],
        }
    )
    write_csv(frame, folder / "orders.csv")


def pdd(folder: Path, lines: pd.DataFrame) -> None:
    """A Pinduoduo (拼多多) order export: no buyer id, the recipient's mobile number (made up
    here from the UCI id) tells customers apart; 商品总价 the line's value before discounts,
    店铺优惠折扣 the shop's share of its discount (10 % off one line in 10), 平台优惠折扣 the
    platform's (5 % off one line in 7), 邮费 6.00 on one line in 5, and 用户实付金额 what the
    buyer paid: 商品总价 + 邮费 - both discounts, as the export writes it."""
    sales, refunded = sales_refunded(lines)
    at = pd.Series(range(len(sales)), index=sales.index)
    subtotal = (sales["Quantity"] * sales["UnitPrice"]).round(2)
    shop = (subtotal * 0.10).round(2).clip(lower=0).where(at % 10 == 0, 0.0)
    platform = (subtotal * 0.05).round(2).clip(lower=0).where(at % 7 == 0, 0.0)
    postage = pd.Series(6.0, index=sales.index).where(at % 5 == 0, 0.0)
    frame = pd.DataFrame(
        {
            "商品": sales["Description"],
            "订单号": sales["InvoiceNo"],
            "订单状态": refunded.map({True: "已取消", False: "已签收"}),
            "商品总价(元)": subtotal,
            "店铺优惠折扣(元)": shop,
            "平台优惠折扣(元)": platform,
            "邮费(元)": postage,
            "用户实付金额(元)": (subtotal + postage - shop - platform).round(2),
            "商品数量(件)": sales["Quantity"],
            "收货人": "收货人" + sales["CustomerID"],
            "手机": "138" + sales["CustomerID"].str.zfill(8),
            "订单成交时间": sales["when"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "商品id": sales["StockCode"],
        }
    )
    write_csv(frame, folder / "orders.csv")


def xlsx(folder: Path, lines: pd.DataFrame) -> None:
    """The UCI columns saved as an Excel workbook, with a products sheet beside it."""
    orders = lines.drop(columns=["when"])
    orders.to_excel(folder / "orders.xlsx", index=False)
    products = lines.drop_duplicates("StockCode")[["StockCode", "Description", "UnitPrice"]]
    products.to_excel(folder / "products.xlsx", index=False)


def cn_every(folder: Path, lines: pd.DataFrame) -> None:
    text = chinese_orders(lines).to_csv(index=False, lineterminator="\r\n")
    (folder / "orders.csv").write_bytes(text.encode("utf-16-le"))  # no BOM
    offers = (
        "offer_id,kind,value,min_spend\n"
        "every150,amount_off,每满150减20,\n"
        "every100,amount_off,满100减10上不封顶,\n"
        "ship99,free_shipping,满99包邮,\n"
        "mj150,amount_off,满150减20,\n"
        "zhe9,percent_off,9折,\n"
    )
    (folder / "offers.csv").write_text(offers, encoding="utf-8")
    reviews = chinese_reviews(lines, 40)
    reviews.loc[7, "评分"] = 12
    write_csv(reviews, folder / "reviews.csv")


FOLDERS: dict[str, Callable[[Path, pd.DataFrame], None]] = {
    "uci-titled": uci_titled,
    "cn-linetotals": cn_linetotals,
    "events-only": events_only,
    "eur-bare": eur_bare,
    "reviews-zh": reviews_zh,
    "utf16-offers": utf16_offers,
    "woo": woo,
    "shopify": shopify,
    "xlsx": xlsx,
    "jd": jd,
    "pdd": pdd,
    "cn-every": cn_every,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(FOLDERS), help="folders to run")
    parser.add_argument("--keep", type=Path, help="build the folders and stores here, kept")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per command")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(REPO / "src"))
    lines = uci()
    results: list[tuple[str, list[Run]]] = []
    root = args.keep or Path(tempfile.mkdtemp(prefix="promopilot-folders-"))
    try:
        for name, build in FOLDERS.items():
            if args.only and name not in args.only:
                continue
            folder, work = root / name / "shop", root / name / "work"
            for path in (folder, work):
                shutil.rmtree(path, ignore_errors=True)
                path.mkdir(parents=True)
            build(folder, lines)
            # a review export alone gets ingest and sentiment, as the public review datasets do
            if name == "reviews-zh":
                runs = review_commands(folder / "reviews.csv", work, args.timeout, None)
            else:
                runs = shop_commands(folder, work, args.timeout, None)
            results.append((name, runs))
            for r in runs:
                print(
                    f"  {name:<14} {r.command:<16} exit {r.code:>2}  {r.seconds:6.1f} s", flush=True
                )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print_table(results)


if __name__ == "__main__":
    main()
