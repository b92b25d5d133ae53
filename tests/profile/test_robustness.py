"""Issue 11: returns netted, CLV never NaN, fallbacks with notes, baselines that replace a
losing model, segment count from the criterion."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.profile.baselines import BaselineModel, choose
from promopilot.profile.bgnbd import _alive_expectation, _expectation_by_quadrature
from promopilot.profile.features import build_features
from promopilot.profile.lifetime import clv_from_summary
from promopilot.profile.segmenter import ClusterSegmenter
from promopilot.profile.sensitivity_check import check_sensitivity, single_column_sensitivity

RETURNS = (
    "order_id,timestamp,customer_id,product_id,quantity,unit_price,discount,is_return\n"
    "o1,2026-01-01T10:00:00,a,tea,10,10,0,false\n"
    "o2,2026-01-11T10:00:00,a,tea,10,10,0,false\n"
    "r1,2026-01-12T10:00:00,a,tea,-19,10,0,true\n"
    "o3,2026-01-05T10:00:00,b,mug,1,30,0,false\n"
    "r2,2026-01-06T10:00:00,b,mug,-5,30,0,true\n"  # returns more than bought in the data
    "o4,2026-01-05T10:00:00,c,mug,2,30,0,false\n"
    "o5,2026-01-15T10:00:00,c,mug,2,30,0,false\n"
)


@pytest.fixture()
def returns_store(tmp_path):
    shop = tmp_path / "s"
    shop.mkdir()
    (shop / "products.csv").write_text("product_id,category,price\ntea,food,10\nmug,home,30\n")
    (shop / "orders.csv").write_text(RETURNS)
    store = Store(":memory:")
    ingest(store, shop)
    return store


def test_returns_are_netted_and_return_share_is_a_share(returns_store):
    f = build_features(returns_store, as_of="2026-02-01").set_index("customer_id")
    assert f.loc["a", "monetary"] == pytest.approx(200 - 190)
    assert f.loc["a", "avg_order_value"] == pytest.approx(10 / 2)
    assert f.loc["a", "return_share"] == pytest.approx(0.95)
    assert f.loc["b", "monetary"] == 0.0  # floored: never negative
    assert f.loc["b", "return_share"] == 1.0  # capped
    assert f.loc["c", "monetary"] == pytest.approx(120) and f.loc["c", "return_share"] == 0
    assert f["return_share"].between(0, 1).all()


def test_clv_summary_is_net_of_returns(returns_store):
    from promopilot.profile.lifetime import rfm_summary

    s = rfm_summary(returns_store, pd.Index(["a", "b", "c"]), pd.Timestamp("2026-02-01"))
    assert s.loc["a", "monetary_value"] == pytest.approx(100 * 0.05)
    assert s.loc["c", "monetary_value"] == pytest.approx(60)
    assert (s["monetary_value"] >= 0).all()


def _summary(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    T = rng.integers(30, 700, n).astype(float)
    f = rng.poisson(2.0, n).astype(float)
    recency = np.where(f > 0, np.floor(T * rng.uniform(0.2, 1.0, n)), 0.0)
    m = np.where(f > 0, rng.gamma(2.0, 20.0, n), 0.0)
    return pd.DataFrame(
        {"frequency": f, "recency": recency, "T": T, "monetary_value": m, "first_value": 30.0},
        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"),
    )


def test_negative_repeat_values_degrade_clv_with_a_note_not_an_error():
    summary = _summary(400, seed=1)
    summary.loc[summary.index[:5], "monetary_value"] = -10.0  # from returns, unfloored
    out, _ = clv_from_summary(summary, summary.index)
    assert out["clv_12m"].notna().all() and (out["clv_12m"] >= 0).all()
    assert out["expected_purchases_90d"].notna().all()


def test_clv_falls_back_to_own_rate_when_bgnbd_cannot_be_fitted():
    summary = _summary(50, seed=2)
    summary["frequency"] = 0.0  # nobody came back: BG/NBD cannot be fitted
    summary["recency"] = 0.0
    out, notes = clv_from_summary(summary, summary.index)
    assert len(notes) == 1 and "BG/NBD not fitted" in notes[0] and "fallback" in notes[0]
    assert out["clv_12m"].notna().all() and (out["clv_12m"] > 0).all()
    assert out["expected_purchases_90d"].notna().all()


def test_gamma_gamma_fallback_is_noted_and_clv_is_never_nan():
    summary = _summary(300, seed=3)
    summary["monetary_value"] = 0.0  # every repeat purchase fully returned
    out, notes = clv_from_summary(summary, summary.index)
    assert any("Gamma-Gamma not fitted" in n for n in notes)
    assert out["clv_12m"].notna().all()


@pytest.mark.parametrize(
    ("r", "alpha", "a", "b"), [(0.24, 4.4, 0.79, 2.43), (2.0, 0.05, 3.0, 0.4), (0.5, 1e-3, 0.6, 8)]
)
def test_quadrature_matches_hyp2f1_and_is_always_finite(r, alpha, a, b):
    x = np.array([0.0, 1.0, 5.0, 40.0, 300.0])
    T = np.array([10.0, 100.0, 400.0, 700.0, 700.0])
    t = np.full(5, 90.0)
    quad = _expectation_by_quadrature(t, x, T, r, alpha, a, b, np.ones(5, bool))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning or IntegrationWarning
        closed = _alive_expectation(t, x, T, r, alpha, a, b)
    assert np.all(np.isfinite(quad)) and np.all(np.isfinite(closed))
    np.testing.assert_allclose(closed, quad, rtol=1e-3)


def test_large_shop_expectation_is_never_nan_and_silent():
    """20,000 customers with long histories and heavy buyers: no NaN, no warning."""
    summary = _summary(20_000, seed=4)
    heavy = summary.index[:200]
    summary.loc[heavy, "frequency"] = 400.0
    summary.loc[heavy, "recency"] = summary.loc[heavy, "T"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, _ = clv_from_summary(summary, summary.index)
    assert out[["expected_purchases_90d", "clv_12m", "p_alive"]].notna().all().all()


def _window(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Churn decided by days since last event alone; the other columns are noise."""
    rng = np.random.default_rng(seed)
    days = rng.uniform(0, 300, n)
    features = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "tenure_days": 400.0,
            "days_since_last_event": days,
            "orders_90d": rng.poisson(1, n).astype(float),
        }
    )
    bought = rng.uniform(size=n) < 1 / (1 + np.exp((days - 120) / 20))
    return features, pd.Series(1, index=features["customer_id"][bought])


def test_baseline_replaces_a_model_that_does_not_beat_it():
    features, orders = _window(2000, seed=5)
    later, later_orders = _window(2000, seed=6)
    base = BaselineModel(target="churn").fit(features, orders)
    y = base.labels(later, later_orders)
    noise = np.random.default_rng(7).uniform(size=len(later))  # a model that learnt nothing
    choice = choose("churn_risk", "churn", y, noise, base.predict(later))
    assert choice.winner == "baseline" and not choice.tie
    assert choice.baseline_score > 0.8 and choice.model_score < 0.6
    assert "baseline wins" in choice.line() and "days_since_last_event" in choice.line()
    same = choose("churn_risk", "churn", y, base.predict(later), base.predict(later))
    assert same.tie and same.winner == "baseline"
    better = choose("churn_risk", "churn", y, y + 0.0, base.predict(later))
    assert better.winner == "model"


def test_orders_baseline_is_compared_by_poisson_deviance():
    features, orders = _window(2000, seed=8)
    base = BaselineModel(target="orders").fit(features, orders)
    y = base.labels(features, orders)
    flat = np.full(len(y), 5.0)
    choice = choose("expected_purchases_90d", "orders", y, flat, base.predict(features))
    assert choice.metric == "Poisson deviance" and choice.winner == "baseline"


def test_segment_count_is_chosen_by_silhouette_over_3_to_8():
    rng = np.random.default_rng(9)
    centres = np.array([[0, 0], [8, 0], [0, 8], [8, 8], [4, 16]], dtype=float)
    g = np.repeat(np.arange(5), 120)
    xy = centres[g] + rng.normal(0, 0.6, (len(g), 2))
    df = pd.DataFrame({"customer_id": range(len(g)), "u": xy[:, 0], "v": xy[:, 1]})
    seg = ClusterSegmenter(log_transform=False).fit(df)
    assert sorted(seg.silhouette_) == list(range(3, 9))
    assert seg.k_ == 5 == max(seg.silhouette_, key=seg.silhouette_.get)
    assert len(set(seg.names_)) == 5


def _promo_orders(rng, n, rate):
    """Later orders per customer and how many used a discount, at a per-customer rate."""
    orders = rng.poisson(3.0, n) + 1
    return orders, rng.binomial(orders, rate)


def test_discount_sensitivity_is_replaced_by_a_better_single_column():
    rng = np.random.default_rng(10)
    n = 1000
    coupon = rng.uniform(size=n)
    snapshot = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "coupon_share": coupon,
            "price_level": rng.uniform(0.5, 2, n),
        }
    )
    orders, promo = _promo_orders(rng, n, 0.8 * coupon)
    counts = pd.DataFrame({"customer_id": snapshot["customer_id"], "orders": orders})
    counts["promo"] = promo
    learned_nothing = rng.uniform(size=n)
    result = check_sensitivity(snapshot, learned_nothing, counts)
    assert result.column == "coupon_share" and result.choice.winner == "baseline"
    assert result.choice.baseline_score > 0.75 > 0.6 > result.choice.model_score
    assert "baseline wins" in result.line()
    replaced = single_column_sensitivity(snapshot, result.column)
    assert replaced.between(0, 1).all() and replaced.corr(snapshot["coupon_share"]) > 0.99
    # when the learned score is the better ranking it stays
    snapshot["coupon_share"] = rng.uniform(size=n)
    result = check_sensitivity(snapshot, coupon, counts)
    assert result.column is None and result.choice.winner == "model"
    assert "model wins" in result.line()
    # no discounts at all: no verdict
    assert check_sensitivity(snapshot, coupon, counts.assign(promo=0)) is None


def test_no_promotion_signal_keeps_the_default_and_says_so():
    rng = np.random.default_rng(11)
    n = 1000
    snapshot = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "coupon_share": rng.uniform(size=n),
            "price_level": rng.uniform(0.5, 2, n),
        }
    )
    orders, promo = _promo_orders(rng, n, np.full(n, 0.05))  # discounts by chance alone
    counts = pd.DataFrame({"customer_id": snapshot["customer_id"], "orders": orders})
    counts["promo"] = promo
    result = check_sensitivity(snapshot, rng.uniform(size=n), counts)
    assert result.choice is None and result.column is None
    assert "no promotion signal" in result.line() and "learned score is kept" in result.line()
