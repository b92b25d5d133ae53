"""The offer terms' discount corrected by what past buyers really got."""

from __future__ import annotations

import numpy as np

from promopilot.campaigns.history import campaign_training_data
from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.offers.economics import redemption_scale
from promopilot.offers.inputs import default_feature_fn, load_offers


def _shop(tmp_path, beauty_discount: float, n: int = 40):
    """`n` treated customers who each had a beauty and a home order before the campaign, and
    bought a home item (no beauty) in its window with `beauty_discount` off; `n` controls."""
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "products.csv").write_text("product_id,category,price\nb,beauty,40\nh,home,100\n")
    (folder / "offers.csv").write_text(
        "offer_id,kind,value,category\nbeauty15,percent_off,0.15,beauty\n"
    )
    orders = ["order_id,timestamp,customer_id,product_id,quantity,unit_price,discount"]
    campaign = ["campaign_id,customer_id,offer_id,sent_at,propensity"]
    for i in range(2 * n):
        c = f"c{i}"
        orders += [f"{c}-1,2026-01-05,{c},b,1,40,0", f"{c}-2,2026-02-05,{c},h,1,100,0"]
        treated = i < n
        campaign.append(f"k,{c},{'beauty15' if treated else ''},2026-03-01,0.5")
        if treated:
            orders.append(f"{c}-3,2026-03-05,{c},h,1,100,{beauty_discount}")
    orders.append("late,2026-04-01,c0,h,1,100,0")  # the data reaches past the window
    (folder / "orders.csv").write_text("\n".join(orders) + "\n")
    (folder / "campaigns.csv").write_text("\n".join(campaign) + "\n")
    store = Store(":memory:")
    ingest(store, folder)
    return store


def _scale(store, **options):
    data = campaign_training_data(store, default_feature_fn, min_rows=1)
    return redemption_scale(store, data, load_offers(store), default_margin=0.3, **options)[0]


def test_a_coupon_its_buyers_barely_used_costs_far_less_than_its_terms(tmp_path):
    # the terms expect 15% of a beauty item plus of the beauty share: 40 buyers with no
    # beauty in the basket got nothing off. The factor multiplies, so it is shrunk toward 1 on
    # a log scale: 40 buyers with next to nothing move it most of the way (a linear pull toward
    # 1 left it above 0.33, three times the cost of a coupon nobody uses)
    store = _shop(tmp_path, beauty_discount=0.0)
    assert _scale(store) < 0.1
    assert _scale(store, prior=0.0) == 0.02  # the floor: none at all is no log
    assert np.isclose(_scale(store, prior=1e9), 1.0)  # no evidence: the terms as stated


def test_buyers_who_got_what_the_terms_say_keep_them(tmp_path):
    # 15% of the shop's mean beauty line plus 15% of the beauty share of the rest of the
    # basket: 7.29 for each of these customers
    store = _shop(tmp_path, beauty_discount=7.3)
    assert 0.95 < _scale(store) < 1.05
