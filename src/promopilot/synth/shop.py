"""A realistic synthetic shop with a known truth, for demos, tests and benchmarks.

Every customer has hidden traits: a purchase rate while active, a lifetime after which they
churn, a discount sensitivity, a taste over categories and a price level. From them come
browsing, carts, orders (with the odd coupon), reviews in Chinese and English, a past
sitewide sale (双11) and one past randomized campaign over the shop's offers. The hidden
traits, and each customer's true response to every offer in a campaign sent at the end of
the data, are written apart (``_truth/``) so models can be checked against them.

Everything is vectorized: a million customers and ten million events take about a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

START = pd.Timestamp("2025-01-01")
END = pd.Timestamp("2026-07-01")  # data runs up to (not including) this day: the as-of date
SALE = (pd.Timestamp("2025-11-01"), pd.Timestamp("2025-11-15"))  # 双11 sitewide 20% off
SALE_DISCOUNT = 0.20
CAMPAIGN_AT = pd.Timestamp("2026-05-01")
CAMPAIGN_ID = "spring-2026"
WINDOW_DAYS = 14
SHIP_FEE = 8.0
MEAN_QUANTITY = 1.12  # 12% of order lines have quantity 2

CATEGORIES = pd.DataFrame({
    "category": ["beauty", "apparel", "food", "home", "electronics", "baby", "books", "sports"],
    "zh": ["美妆", "服饰", "零食", "家居", "数码", "母婴", "图书", "运动"],
    "price_median": [120.0, 160.0, 35.0, 90.0, 450.0, 110.0, 45.0, 180.0],
    "margin": [0.60, 0.55, 0.35, 0.45, 0.20, 0.40, 0.30, 0.45],
})
ITEMS = {
    "beauty": [("保湿面霜", "Moisturizing Cream"), ("口红", "Lipstick"), ("面膜", "Face Mask"),
               ("防晒霜", "Sunscreen"), ("精华液", "Serum")],
    "apparel": [("纯棉T恤", "Cotton T-shirt"), ("牛仔裤", "Jeans"), ("羽绒服", "Down Jacket"),
                ("连衣裙", "Dress"), ("卫衣", "Hoodie")],
    "food": [("坚果礼盒", "Nut Gift Box"), ("绿茶", "Green Tea"), ("巧克力", "Chocolate"),
             ("牛肉干", "Beef Jerky"), ("咖啡豆", "Coffee Beans")],
    "home": [("四件套", "Bedding Set"), ("马克杯", "Mug"), ("收纳盒", "Storage Box"),
             ("香薰蜡烛", "Scented Candle"), ("抱枕", "Cushion")],
    "electronics": [("蓝牙耳机", "Bluetooth Earbuds"), ("充电宝", "Power Bank"),
                    ("智能手表", "Smart Watch"), ("键盘", "Keyboard"), ("音箱", "Speaker")],
    "baby": [("纸尿裤", "Diapers"), ("奶瓶", "Baby Bottle"), ("婴儿湿巾", "Baby Wipes"),
             ("玩具", "Toy"), ("童装", "Kids Clothes")],
    "books": [("小说", "Novel"), ("绘本", "Picture Book"), ("菜谱", "Cookbook"),
              ("历史书", "History Book"), ("编程书", "Programming Book")],
    "sports": [("瑜伽垫", "Yoga Mat"), ("跑鞋", "Running Shoes"), ("哑铃", "Dumbbells"),
               ("运动水壶", "Water Bottle"), ("护膝", "Knee Pads")],
}
REGIONS = ["北京", "上海", "广东", "浙江", "江苏", "四川", "湖北", "山东", "福建", "陕西"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛"]

OFFERS = pd.DataFrame({
    "offer_id": ["pct10", "mj150_20", "freeship", "beauty15"],
    "kind": ["percent_off", "amount_off", "free_shipping", "percent_off"],
    "value": [0.10, 20.0, SHIP_FEE, 0.15],
    "min_spend": [0.0, 150.0, 0.0, 0.0],
    "category": ["", "", "", "beauty"],
    "send_cost": [0.05, 0.05, 0.05, 0.05],
    "valid_days": [14, 14, 14, 7],
    "title": ["10% off everything", "满150减20 (20 off orders of 150+)", "Free shipping",
              "15% off beauty, this week only"],
})
COUPON_CODES = {"pct10": "PCT10", "mj150_20": "MJ150", "freeship": "FREESHIP",
                "beauty15": "BEAUTY15"}
# extra purchase hazard per day that an offer adds at full sensitivity (see `_offer_effects`)
OFFER_STRENGTH = {"pct10": 0.045, "mj150_20": 0.060, "freeship": 0.050, "beauty15": 0.090}
MEAN_LIFETIME_DAYS = 700.0

REVIEWS_POS_ZH = ["质量很好，非常满意", "物流很快，包装完好", "性价比高，推荐购买",
                  "做工精细，和描述一致", "客服态度好，发货快", "很喜欢，会回购的", "效果不错，值得"]
REVIEWS_NEG_ZH = ["质量太差了，不推荐", "物流太慢，等了很久", "和描述不符，很失望",
                  "包装破损，客服也不理", "用了两天就坏了", "价格贵，不值这个钱", "尺码不对，退货麻烦"]
REVIEWS_MID_ZH = ["还行吧，一般般", "东西可以，物流有点慢", "中规中矩，价格还算合理"]
REVIEWS_POS_EN = ["Great quality, very happy with it", "Fast shipping and well packed",
                  "Good value for money, recommended", "Exactly as described, love it",
                  "Excellent customer service, will buy again"]
REVIEWS_NEG_EN = ["Poor quality, would not recommend", "Shipping took forever",
                  "Not as described, very disappointed", "Arrived broken and support ignored me",
                  "Stopped working after two days", "Too expensive for what it is"]
REVIEWS_MID_EN = ["It's okay, nothing special", "Decent, but delivery was slow",
                  "Average quality for the price"]


@dataclass
class Shop:
    """A generated shop: the tables of a shop folder plus the hidden truth."""

    tables: dict[str, pd.DataFrame]
    truth: pd.DataFrame
    offers: pd.DataFrame

    def write(self, out: str | Path) -> Path:
        """Write the shop folder (CSV) and ``_truth/customers.csv``."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in self.tables.items():
            _write_csv(frame, out / f"{name}.csv")
        (out / "_truth").mkdir(exist_ok=True)
        _write_csv(self.truth, out / "_truth" / "customers.csv")
        (out / "_truth" / "README.txt").write_text(
            "Hidden truth of a synthetic promopilot shop. Not shop data: never ingest it.\n"
            "customers.csv: one row per customer with the traits the data was generated from\n"
            "and, for a campaign sent at the as-of date (" + END.date().isoformat() + "), each\n"
            "offer's true purchase probability (p_buy__<offer>), revenue and discount given a\n"
            "purchase, and expected incremental profit.\n",
            encoding="utf-8",
        )
        return out


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))


# ---------------------------------------------------------------------------------------
def _products(rng: np.random.Generator, per_category: int) -> pd.DataFrame:
    rows = []
    for cat in CATEGORIES.itertuples():
        n = per_category
        price = np.round(cat.price_median * np.exp(rng.normal(0, 0.55, n)), 0) + 0.9
        margin = np.clip(cat.margin + rng.normal(0, 0.06, n), 0.08, 0.85)
        names = ITEMS[cat.category]
        pick = np.arange(n) % len(names)
        rows.append(pd.DataFrame({
            "category": cat.category,
            "title": [f"{names[k][0]} {names[k][1]} #{i + 1}" for i, k in enumerate(pick)],
            "price": price,
            "cost": np.round(price * (1 - margin), 2),
            "quality": rng.beta(5, 1.5, n),  # hidden: drives review ratings
        }))
    products = pd.concat(rows, ignore_index=True)
    products = products.sort_values(["category", "price"], kind="stable").reset_index(drop=True)
    products.insert(0, "product_id", [f"P{i:04d}" for i in range(len(products))])
    products["description"] = products["title"].str.split(" #").str[0]
    products["in_stock"] = rng.random(len(products)) > 0.05
    return products


@dataclass
class _Catalog:
    products: pd.DataFrame
    starts: np.ndarray  # first product index of each category (products sorted by price)
    sizes: np.ndarray

    def pick(self, rng: np.random.Generator, category: np.ndarray, quantile: np.ndarray
             ) -> np.ndarray:
        """Product index for each (category, price quantile), with noise."""
        q = np.clip(quantile + rng.normal(0, 0.18, len(category)), 0, 0.999)
        return self.starts[category] + (q * self.sizes[category]).astype(np.int64)

    def price_at(self, category: int, quantile: np.ndarray) -> np.ndarray:
        prices = self.products["price"].to_numpy()[self.starts[category]:
                                                   self.starts[category] + self.sizes[category]]
        return np.interp(quantile, np.linspace(0, 1, len(prices)), prices)


def _sample_categories(rng: np.random.Generator, taste: np.ndarray, owners: np.ndarray
                       ) -> np.ndarray:
    cumulative = np.cumsum(taste, axis=1)[owners]
    u = rng.random(len(owners))[:, None]
    return np.minimum((u > cumulative).sum(axis=1), taste.shape[1] - 1)


def _order_lines(rng: np.random.Generator, catalog: _Catalog, taste: np.ndarray,
                 price_q: np.ndarray, items_per_order: np.ndarray, owner: np.ndarray,
                 order_offer: np.ndarray, cat_index: dict[str, int]
                 ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The lines of orders placed by `owner` with `order_offer` ("" none, "sale", "coupon" or
    an offer id): (lines with o, product, price, quantity, offer; gross value per order;
    discount per line). The truth's revenue and discount per offer average this same process."""
    products = catalog.products
    n_lines = 1 + rng.poisson(np.maximum(items_per_order[owner] - 1, 0.0))
    line_order = np.repeat(np.arange(len(owner)), n_lines)
    line_owner = owner[line_order]
    line_cat = _sample_categories(rng, taste, line_owner)
    line_offer = order_offer[line_order]
    # beauty15 buyers put at least one beauty item in the basket
    first_line = np.r_[True, line_order[1:] != line_order[:-1]]
    line_cat[(line_offer == "beauty15") & first_line] = cat_index["beauty"]
    line_product = catalog.pick(rng, line_cat, price_q[line_owner])
    price = products["price"].to_numpy()[line_product]
    quantity = np.where(rng.random(len(line_order)) < MEAN_QUANTITY - 1, 2, 1)
    lines = pd.DataFrame({"o": line_order, "product": line_product, "price": price,
                          "quantity": quantity, "offer": line_offer})
    # 满减: buyers below the threshold add an item to reach it (凑单)
    value = np.bincount(line_order, weights=price * quantity, minlength=len(owner))
    mj = (order_offer == "mj150_20") & (value >= 105) & (value < 150)
    if mj.any():
        idx = np.flatnonzero(mj)
        gap = 150 - value[idx]
        cheapest = catalog.starts[cat_index["food"]] + np.zeros(len(idx), dtype=np.int64)
        unit = products["price"].to_numpy()[cheapest]
        extra = pd.DataFrame({"o": idx, "product": cheapest, "price": unit,
                              "quantity": np.ceil(gap / unit).astype(int), "offer": "mj150_20"})
        lines = pd.concat([lines, extra], ignore_index=True)
        value[idx] += extra["price"].to_numpy() * extra["quantity"].to_numpy()
    # merge repeated products within an order (an order has one line per product)
    lines = (lines.groupby(["o", "product"], as_index=False, sort=True)
             .agg(price=("price", "first"), quantity=("quantity", "sum"),
                  offer=("offer", "first")))
    gross = lines["price"].to_numpy() * lines["quantity"].to_numpy()
    offer = lines["offer"].to_numpy()
    line_cat_name = products["category"].to_numpy()[lines["product"].to_numpy()]
    discount = np.zeros(len(lines))
    discount[offer == "sale"] = SALE_DISCOUNT * gross[offer == "sale"]
    discount[offer == "coupon"] = 0.10 * gross[offer == "coupon"]
    discount[offer == "pct10"] = 0.10 * gross[offer == "pct10"]
    b15 = (offer == "beauty15") & (line_cat_name == "beauty")
    discount[b15] = 0.15 * gross[b15]
    first_of_order = np.r_[True, lines["o"].to_numpy()[1:] != lines["o"].to_numpy()[:-1]]
    mj_line = (offer == "mj150_20") & first_of_order & (value[lines["o"].to_numpy()] >= 150)
    discount[mj_line] = 20.0
    return lines, value, discount


def _expected_baskets(seed: int, catalog: _Catalog, taste: np.ndarray, price_q: np.ndarray,
                      items_per_order: np.ndarray, cat_index: dict[str, int], draws: int = 200
                      ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per offer (and "" for none): each customer's expected (gross order value, discount) of
    an order placed with it, averaged over `draws` simulated orders of the generator's own
    order process (its own random stream: the shop's data do not change)."""
    rng = np.random.default_rng([seed, 7])
    n = len(price_q)
    out = {}
    for offer in ["", *OFFERS["offer_id"]]:
        owner = np.tile(np.arange(n), draws)
        lines, value, discount = _order_lines(rng, catalog, taste, price_q, items_per_order,
                                              owner, np.full(len(owner), offer, dtype=object),
                                              cat_index)
        per_order = np.bincount(lines["o"].to_numpy(), weights=discount, minlength=len(owner))
        if offer == "freeship":
            per_order = np.full(len(owner), SHIP_FEE)
        out[offer] = (value.reshape(draws, n).mean(axis=0),
                      per_order.reshape(draws, n).mean(axis=0))
    return out


def _days(ts: pd.Timestamp) -> float:
    return (ts - START) / pd.Timedelta(days=1)


def _offer_effects(c: pd.DataFrame, basket: np.ndarray) -> dict[str, np.ndarray]:
    """Per offer: the extra purchase hazard per day it adds (revenue and discount given a
    purchase come from the order process itself: `_expected_baskets`)."""
    s = c["discount_sensitivity"].to_numpy()
    beauty = c["taste_beauty"].to_numpy()
    near = np.where(basket >= 150, 0.6, np.where(basket >= 105, 1.0, 0.1))
    ship_need = np.where(basket < 99, 1.0, 0.25)
    return {
        "pct10": OFFER_STRENGTH["pct10"] * s**2,
        "mj150_20": OFFER_STRENGTH["mj150_20"] * s**2 * near,
        "freeship": OFFER_STRENGTH["freeship"] * s * ship_need * (0.3 + s),
        "beauty15": OFFER_STRENGTH["beauty15"] * s**2 * np.minimum(1.0, 2.5 * beauty) * 0.5,
    }


def _campaign_truth(c: pd.DataFrame, at: pd.Timestamp, basket: np.ndarray,
                    orders: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
                    ) -> pd.DataFrame:
    """True purchase probability in a campaign window starting `at`, for no offer and each
    offer; with `orders` (from `_expected_baskets`), also revenue and discount given a
    purchase."""
    t = _days(at)
    alive = (c["signup_day"].to_numpy() <= t) & (c["end_day"].to_numpy() > t)
    lam = c["activity_rate"].to_numpy()
    # a churned customer can still be won back by an offer, but rarely
    reach = np.where(alive, 1.0, 0.12) * (c["signup_day"].to_numpy() <= t)
    extra = {"": np.zeros(len(c)), **_offer_effects(c, basket)}
    out = {"alive": alive}
    for offer, hazard_added in extra.items():
        name = offer or "none"
        out[f"p_buy__{name}"] = 1 - np.exp(-(alive * lam + reach * hazard_added) * WINDOW_DAYS)
        if orders is not None:
            out[f"revenue__{name}"], out[f"discount__{name}"] = orders[offer]
    return pd.DataFrame(out)


def true_incremental_profit(truth: pd.DataFrame, offers: pd.DataFrame = OFFERS) -> pd.DataFrame:
    """Customer x offer matrix of true expected incremental profit of sending each offer at
    the as-of date (the same formula the planner optimizes, with true quantities)."""
    margin = truth["margin_rate"].to_numpy()
    base = truth["p_buy__none"].to_numpy() * truth["revenue__none"].to_numpy() * margin
    cols = {}
    for row in offers.itertuples():
        p = truth[f"p_buy__{row.offer_id}"].to_numpy()
        rev = truth[f"revenue__{row.offer_id}"].to_numpy()
        disc = truth[f"discount__{row.offer_id}"].to_numpy()
        cols[row.offer_id] = p * (rev * margin - disc) - base - row.send_cost
    return pd.DataFrame(cols, index=truth["customer_id"].to_numpy())


def true_expected_cost(truth: pd.DataFrame, offers: pd.DataFrame = OFFERS) -> pd.DataFrame:
    """Customer x offer matrix of true expected discount money given away."""
    return pd.DataFrame(
        {o: truth[f"p_buy__{o}"].to_numpy() * truth[f"discount__{o}"].to_numpy()
         for o in offers["offer_id"]},
        index=truth["customer_id"].to_numpy(),
    )


def plan_true_value(plan: pd.DataFrame, truth: pd.DataFrame, offers: pd.DataFrame = OFFERS
                    ) -> tuple[float, float]:
    """True expected (incremental profit, discount cost) of a plan's rows that send an offer."""
    profit = true_incremental_profit(truth, offers)
    cost = true_expected_cost(truth, offers)
    sent = plan[plan["offer_id"].fillna("").astype(str) != ""]
    rows = profit.index.get_indexer(sent["customer_id"].astype(str))
    cols = profit.columns.get_indexer(sent["offer_id"].astype(str))
    if (rows < 0).any() or (cols < 0).any():
        raise KeyError("plan names customers or offers that the truth does not know")
    return (float(profit.to_numpy()[rows, cols].sum()), float(cost.to_numpy()[rows, cols].sum()))


def oracle_plan(truth: pd.DataFrame, budget: float, offers: pd.DataFrame = OFFERS, *,
                campaign_id: str | None = None, control_share: float = 0.10,
                explore_share: float = 0.05) -> pd.DataFrame:
    """The best plan with the same budget for someone who knows the truth: the planner's own
    assignment run on the true profit and cost matrices.

    With a `campaign_id`, the oracle keeps the same randomized slices as a real plan of that
    campaign (the same customers explore with the same random offers; a control group is held
    out of its choices with the same hashed draws), so the two differ only in who gets what.
    Without, every chosen customer gets their offer."""
    from promopilot.offers.plan import assign_offers, assign_with_holdouts

    profit = true_incremental_profit(truth, offers)
    cost = true_expected_cost(truth, offers)
    econ = pd.DataFrame({
        "customer_id": np.repeat(profit.index.to_numpy(), profit.shape[1]),
        "offer_id": np.tile(profit.columns.to_numpy(), len(profit)),
        "expected_incremental_profit": profit.to_numpy().ravel(),
        "expected_cost": cost.to_numpy().ravel(),
    })
    econ["profit_lower"] = econ["expected_incremental_profit"]
    if campaign_id is None:
        return assign_offers(econ, budget=budget)[["customer_id", "offer_id"]]
    plan, _ = assign_with_holdouts(
        econ, profit.index.to_numpy().astype(object), list(profit.columns), budget=budget,
        campaign_id=campaign_id, control_share=control_share, explore_share=explore_share)
    return plan[["customer_id", "offer_id", "group"]]


def _fill(truth: pd.DataFrame, ids: np.ndarray, offer_ids: np.ndarray, budget: float,
          offers: pd.DataFrame) -> pd.DataFrame:
    """The first customers of ``ids`` (each with their offer) whose true cost fits in budget."""
    cost = true_expected_cost(truth, offers)
    c = cost.to_numpy()[cost.index.get_indexer(ids), cost.columns.get_indexer(offer_ids)]
    k = int(np.searchsorted(np.cumsum(c), budget, side="right"))
    return pd.DataFrame({"customer_id": ids[:k], "offer_id": offer_ids[:k]})


def likeliest_buyers_plan(truth: pd.DataFrame, p_buy: pd.Series, offer_id: str, budget: float,
                          offers: pd.DataFrame = OFFERS) -> pd.DataFrame:
    """What most shops do: one offer to the customers most likely to buy (by ``p_buy``, a
    customer-indexed score), as many as the budget pays for."""
    ids = p_buy.sort_values(ascending=False, kind="stable").index.to_numpy().astype(str)
    return _fill(truth, ids, np.full(len(ids), offer_id, dtype=object), budget, offers)


def random_plan(truth: pd.DataFrame, budget: float, seed: int = 0,
                offers: pd.DataFrame = OFFERS) -> pd.DataFrame:
    """Random customers, each with a random offer, as many as the budget pays for."""
    rng = np.random.default_rng(seed)
    ids = rng.permutation(truth["customer_id"].to_numpy().astype(str))
    return _fill(truth, ids, rng.choice(offers["offer_id"].to_numpy(), len(ids)), budget, offers)


# ---------------------------------------------------------------------------------------
def make_shop(n_customers: int = 2000, seed: int = 0, *, products_per_category: int = 25,
              campaign_share: float = 1.0, browse_scale: float = 1.0) -> Shop:
    """Generate a shop.

    Parameters
    ----------
    n_customers, seed : size and random seed (same seed, same shop).
    products_per_category : catalogue size per category (8 categories).
    campaign_share : share of the customers known at the campaign date who were in the past
        randomized campaign (uniform over no offer and every offer).
    browse_scale : multiplies browsing (views, carts): about 40 events per customer at 1.0.
    """
    rng = np.random.default_rng(seed)
    products = _products(rng, products_per_category)
    sizes = products.groupby("category", sort=False).size()
    cat_index = {c: i for i, c in enumerate(CATEGORIES["category"])}
    starts = np.zeros(len(CATEGORIES), dtype=np.int64)
    sizes_arr = np.zeros(len(CATEGORIES), dtype=np.int64)
    for cat, n in sizes.items():
        sizes_arr[cat_index[cat]] = n
        starts[cat_index[cat]] = products.index[products["category"] == cat][0]
    catalog = _Catalog(products, starts, sizes_arr)
    n = n_customers
    horizon = _days(END)

    # -- hidden customer traits ----------------------------------------------------------
    ids = np.array([f"C{i:06d}" for i in range(1, n + 1)])
    signup = np.sort(rng.uniform(-120, horizon - 20, n))  # some joined before the data
    signup = np.where(signup < 0, rng.uniform(-400, 0, n), signup)
    activity = rng.gamma(1.2, 0.010, n)  # purchases per day while active
    lifetime = rng.exponential(MEAN_LIFETIME_DAYS, n)
    end_day = signup + lifetime
    sensitivity = rng.beta(1.6, 2.2, n)
    taste = rng.dirichlet(np.full(len(CATEGORIES), 0.35), n)
    price_q = np.clip(0.62 - 0.75 * (sensitivity - 0.42) + rng.normal(0, 0.12, n), 0.02, 0.98)
    items_per_order = 1.0 + rng.gamma(1.0, 0.5, n)
    browse = (rng.gamma(2.0, 0.03, n) + 6 * activity) * browse_scale  # views/day while active

    mean_price = np.zeros(n)
    margin_money = np.zeros(n)
    for k in range(len(CATEGORIES)):
        price_k = taste[:, k] * catalog.price_at(k, price_q)
        mean_price += price_k
        margin_money += price_k * CATEGORIES["margin"].iloc[k]
    # the expected margin of a basket is revenue-weighted over its categories
    margin_rate = margin_money / mean_price
    basket = mean_price * items_per_order * MEAN_QUANTITY

    customers_hidden = pd.DataFrame({
        "customer_id": ids, "signup_day": signup, "end_day": end_day,
        "activity_rate": activity, "discount_sensitivity": sensitivity,
        "taste_beauty": taste[:, cat_index["beauty"]],
    })

    # -- baseline purchases (Poisson while active, boosted during the sale) ----------------
    sale0, sale1 = _days(SALE[0]), _days(SALE[1])
    camp0, camp1 = _days(CAMPAIGN_AT), _days(CAMPAIGN_AT) + WINDOW_DAYS
    lo = np.maximum(signup, 0)
    hi = np.minimum(end_day, horizon)
    active = np.maximum(hi - lo, 0)
    sale_overlap = np.maximum(np.minimum(hi, sale1) - np.maximum(lo, sale0), 0)
    sale_boost = 1 + 5.0 * sensitivity**1.5
    expected = activity * (active - sale_overlap) + activity * sale_boost * sale_overlap
    n_orders = rng.poisson(expected)
    owner = np.repeat(np.arange(n), n_orders)
    # place orders: in the sale window with probability proportional to its extra weight
    in_sale_p = np.where(expected > 0, activity * sale_boost * sale_overlap / np.maximum(
        expected, 1e-12), 0)
    in_sale = rng.random(len(owner)) < in_sale_p[owner]
    t_normal = lo[owner] + rng.random(len(owner)) * active[owner]
    # rejection-free: map uniform normal times that land in the sale window out of it
    t_sale = np.maximum(lo[owner], sale0) + rng.random(len(owner)) * sale_overlap[owner]
    t = np.where(in_sale, t_sale, t_normal)
    bad = (~in_sale) & (t >= sale0) & (t < sale1)
    t[bad] = lo[owner[bad]] + rng.random(bad.sum()) * active[owner[bad]]
    # the campaign window's purchases come from the campaign response below
    in_campaign_window = (t >= camp0) & (t < camp1) & (signup[owner] <= camp0)
    keep = ~in_campaign_window
    owner, t, in_sale = owner[keep], t[keep], in_sale[keep]
    coupon_use = (~in_sale) & (rng.random(len(owner)) < 0.02 + 0.30 * sensitivity[owner]**2)
    orders_base = pd.DataFrame({"owner": owner, "day": t,
                                "offer": np.where(in_sale, "sale", np.where(coupon_use, "coupon",
                                                                           ""))})

    # -- the past randomized campaign -------------------------------------------------------
    truth_campaign = _campaign_truth(customers_hidden, CAMPAIGN_AT, basket)
    eligible = np.flatnonzero((signup <= camp0) & (rng.random(n) < campaign_share))
    arms = np.array(["", *OFFERS["offer_id"]])
    arm = arms[rng.integers(0, len(arms), len(eligible))]
    p_arm = np.where(arm == "", truth_campaign["p_buy__none"].to_numpy()[eligible], 0.0)
    for offer in OFFERS["offer_id"]:
        mask = arm == offer
        p_arm[mask] = truth_campaign[f"p_buy__{offer}"].to_numpy()[eligible[mask]]
    bought = rng.random(len(eligible)) < p_arm
    campaigns = pd.DataFrame({
        "campaign_id": CAMPAIGN_ID,
        "customer_id": ids[eligible],
        "offer_id": arm,
        "sent_at": (CAMPAIGN_AT + pd.Timedelta(hours=10)).isoformat(),
        "channel": np.where(rng.random(len(eligible)) < 0.7, "email", "sms"),
        "propensity": 1.0 / len(arms),
    })
    camp_orders = pd.DataFrame({
        "owner": eligible[bought],
        "day": camp0 + 0.42 + rng.random(bought.sum()) * (WINDOW_DAYS - 0.5),
        "offer": arm[bought],
    })
    orders_all = pd.concat([orders_base, camp_orders], ignore_index=True)
    orders_all = orders_all.sort_values("day", kind="stable").reset_index(drop=True)
    orders_all["order_id"] = [f"O{i:07d}" for i in range(1, len(orders_all) + 1)]

    # -- order lines ----------------------------------------------------------------------------
    lines, value, discount = _order_lines(rng, catalog, taste, price_q, items_per_order,
                                          orders_all["owner"].to_numpy(),
                                          orders_all["offer"].to_numpy(), cat_index)
    offer = lines["offer"].to_numpy()
    code = pd.Series(offer).map({"sale": "SALE1111", "coupon": "WELCOME10", **COUPON_CODES})
    code[(offer == "mj150_20") & ~(value[lines["o"].to_numpy()] >= 150)] = None
    o = lines["o"].to_numpy()
    order_day = orders_all["day"].to_numpy()[o]
    orders = pd.DataFrame({
        "order_id": orders_all["order_id"].to_numpy()[o],
        "timestamp": _stamp(order_day),
        "customer_id": ids[orders_all["owner"].to_numpy()[o]],
        "product_id": products["product_id"].to_numpy()[lines["product"].to_numpy()],
        "quantity": lines["quantity"].to_numpy(),
        "unit_price": lines["price"].to_numpy(),
        "discount": np.round(discount, 2),
        "coupon_code": code.where(pd.notna(code), None),
    })

    # -- events: browsing, carts (some abandoned), and the views/carts before each purchase --
    view_expected = browse * active + browse * 2.0 * sensitivity * sale_overlap
    n_views = rng.poisson(view_expected)
    v_owner = np.repeat(np.arange(n), n_views)
    v_sale_p = np.where(view_expected > 0, browse * 2.0 * sensitivity * sale_overlap /
                        np.maximum(view_expected, 1e-12), 0) + browse * sale_overlap / np.maximum(
        view_expected, 1e-12)
    v_in_sale = rng.random(len(v_owner)) < np.clip(v_sale_p[v_owner], 0, 1)
    v_day = np.where(v_in_sale, np.maximum(lo[v_owner], sale0) + rng.random(len(v_owner)) *
                     sale_overlap[v_owner], lo[v_owner] + rng.random(len(v_owner)) *
                     active[v_owner])
    v_product = catalog.pick(rng, _sample_categories(rng, taste, v_owner), price_q[v_owner])
    carted = rng.random(len(v_owner)) < 0.08
    buy_views = pd.DataFrame({"owner": orders_all["owner"].to_numpy()[o],
                              "day": order_day - 0.01, "product": lines["product"].to_numpy()})
    events = pd.concat([
        pd.DataFrame({"owner": v_owner, "day": v_day, "product": v_product, "event": "view"}),
        pd.DataFrame({"owner": v_owner[carted], "day": v_day[carted] + 0.002,
                      "product": v_product[carted], "event": "cart"}),
        buy_views.assign(event="view"),
        buy_views.assign(day=buy_views["day"] + 0.005, event="cart"),
        buy_views.assign(day=order_day + 0.0001, event="purchase"),
    ], ignore_index=True)
    wish = rng.random(len(v_owner)) < 0.01
    events = pd.concat([events, pd.DataFrame({"owner": v_owner[wish], "day": v_day[wish] + 0.003,
                                              "product": v_product[wish],
                                              "event": "wishlist"})], ignore_index=True)
    events = events[(events["day"] >= 0) & (events["day"] < horizon)]
    events = events.sort_values("day", kind="stable")
    owner_e = events["owner"].to_numpy()
    day_e = events["day"].to_numpy()
    events = pd.DataFrame({
        "timestamp": _stamp(day_e),
        "customer_id": ids[owner_e],
        "product_id": products["product_id"].to_numpy()[events["product"].to_numpy()],
        "event": events["event"].to_numpy(),
        "session_id": np.char.add(np.char.add(ids[owner_e].astype(str), "-"),
                                  np.floor(day_e * 6).astype(np.int64).astype(str)),
    }).drop_duplicates(["timestamp", "customer_id", "product_id", "event"])

    # -- reviews ----------------------------------------------------------------------------------
    reviewed = np.flatnonzero(rng.random(len(orders)) < 0.12)
    quality = products["quality"].to_numpy()[lines["product"].to_numpy()[reviewed]]
    stars = np.clip(np.round(1 + 4 * quality + rng.normal(0, 0.8, len(reviewed))), 1, 5)
    zh = rng.random(len(reviewed)) < 0.7
    text = np.empty(len(reviewed), dtype=object)
    for positive, mask in ((True, stars >= 4), (False, stars <= 2), (None, stars == 3)):
        for lang, pool in ((True, {True: REVIEWS_POS_ZH, False: REVIEWS_NEG_ZH,
                                   None: REVIEWS_MID_ZH}),
                           (False, {True: REVIEWS_POS_EN, False: REVIEWS_NEG_EN,
                                    None: REVIEWS_MID_EN})):
            m = mask & (zh == lang)
            choices = pool[positive]
            text[m] = np.asarray(choices, dtype=object)[rng.integers(0, len(choices), m.sum())]
    reviews = pd.DataFrame({
        "review_id": [f"R{i:07d}" for i in range(1, len(reviewed) + 1)],
        "customer_id": orders["customer_id"].to_numpy()[reviewed],
        "product_id": orders["product_id"].to_numpy()[reviewed],
        "text": text,
        "rating": stars.astype(int),
        "timestamp": _stamp(np.minimum(order_day[reviewed] + rng.uniform(2, 20, len(reviewed)),
                                       horizon - 0.001)),
    })

    customers = pd.DataFrame({
        "customer_id": ids,
        "signup_at": _stamp(signup),
        "region": np.asarray(REGIONS)[rng.integers(0, len(REGIONS), n)],
        "email": np.char.add(np.char.add("user", np.arange(1, n + 1).astype(str)), "@example.com"),
        "phone": np.char.add("138", rng.integers(10**7, 10**8, n).astype(str)),
        "name": np.char.add(np.asarray(SURNAMES)[rng.integers(0, len(SURNAMES), n)],
                            np.asarray(GIVEN)[rng.integers(0, len(GIVEN), n)]),
    })

    # -- truth ---------------------------------------------------------------------------------
    # revenue and discount of an order with each offer: what the order process really gives
    # (a beauty coupon's buyer adds a beauty item; 满减 needs the realized basket near 150)
    orders_with = _expected_baskets(seed, catalog, taste, price_q, items_per_order, cat_index,
                                    draws=int(np.clip(600_000 // n, 4, 200)))
    truth_end = _campaign_truth(customers_hidden, END, basket, orders_with)
    alive_end = end_day > horizon
    remaining = np.where(alive_end, MEAN_LIFETIME_DAYS * (1 - np.exp(-90 / MEAN_LIFETIME_DAYS)),
                         0.0)
    truth = pd.DataFrame({
        "customer_id": ids,
        "signup_at": _stamp(signup),
        "activity_rate": activity,
        "lifetime_days": lifetime,
        "churned": ~alive_end,
        "expected_purchases_90d": activity * remaining,
        "discount_sensitivity": sensitivity,
        "price_quantile": price_q,
        "top_category": CATEGORIES["category"].to_numpy()[taste.argmax(axis=1)],
        "basket_value": basket,
        "margin_rate": margin_rate,
        "in_past_campaign": np.isin(np.arange(n), eligible),
    })
    truth = pd.concat([truth, truth_end.drop(columns=["alive"])], axis=1)
    for offer, profit in true_incremental_profit(truth).items():
        truth[f"profit__{offer}"] = profit.to_numpy()

    tables = {
        "products": products.drop(columns=["quality"]),
        "customers": customers,
        "offers": OFFERS.drop(columns=["title"]),
        "orders": orders,
        "events": events,
        "reviews": reviews,
        "campaigns": campaigns,
    }
    return Shop(tables=tables, truth=truth, offers=OFFERS.drop(columns=["title"]))


def _stamp(days: np.ndarray) -> np.ndarray:
    """Day offsets from START as ISO 8601 strings (seconds)."""
    seconds = np.round(np.asarray(days, dtype=np.float64) * 86400).astype("int64")
    stamps = np.datetime64(START.to_datetime64(), "s") + seconds.astype("timedelta64[s]")
    return np.datetime_as_string(stamps, unit="s")
