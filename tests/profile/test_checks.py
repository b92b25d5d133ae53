"""Issue 11: the churn model against recency, the baseline's ranking, and the columns a shop
without events, reviews or sales cannot fill."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from promopilot.data.ingest import ingest
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.profile.baselines import (
    BaselineModel,
    auc_difference_se,
    choose,
    choose_within_noise,
)
from promopilot.profile.build import build_profile
from promopilot.profile.churn import CHURN_COLUMNS, ChurnModel, churn_inputs
from promopilot.profile.fallbacks import fill_empty_columns
from promopilot.profile.sensitivity import PromoUseModel
from promopilot.profile.sensitivity_check import order_auc
from promopilot.synth.shop import END


def _rhythm_world(n: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """Customers who visit weekly or every two months; some have left. Silence of the same length
    means leaving for the weekly ones only; the window's activity is drawn accordingly."""
    rng = np.random.default_rng(seed)
    rate = np.where(rng.uniform(size=n) < 0.5, 1 / 7, 1 / 60)
    tenure = rng.uniform(200, 600, n)
    gone = rng.uniform(size=n) < 0.3
    # alive: silence since the last visit ~ Exp(rate); gone: they left some time ago
    recency = np.where(gone, rng.uniform(20, 150, n), rng.exponential(1 / rate))
    recency = np.minimum(recency, tenure)
    count = rng.poisson(rate * (tenure - recency)) + 1
    ids = [f"c{i}" for i in range(n)]
    features = pd.DataFrame(
        {
            "customer_id": ids,
            "tenure_days": tenure,
            "days_since_last_event": recency,
            "frequency": np.zeros(n, dtype=int),
            "views": count,
        }
    )
    active = ~gone & (rng.uniform(size=n) < 1 - np.exp(-rate * 180))
    return features, pd.Series(1, index=np.asarray(ids)[active])


def test_churn_model_beats_recency_when_the_rhythm_matters():
    features, activity = _rhythm_world(3000, seed=1)
    later, later_activity = _rhythm_world(3000, seed=2)
    model = ChurnModel(horizon_days=180).fit(features, activity)
    base = BaselineModel(target="churn", horizon_days=180).fit(features, activity)
    y = base.labels(later, later_activity)
    choice = choose(
        "churn_risk", "churn", y, model.predict_proba(later)[:, 1], base.predict(later), margin=0.0
    )
    assert choice.winner == "model" and choice.model_score > choice.baseline_score + 0.02
    assert "model wins" in choice.line()
    p = model.predict_proba(later)
    assert np.all((p >= 0) & (p <= 1))


def test_churn_model_needs_both_outcomes():
    features, _ = _rhythm_world(300, seed=3)
    with pytest.raises(Exception, match="churn model"):
        ChurnModel().fit(features, pd.Series(dtype=float))  # nobody active: all churned


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (lambda f: f.to_numpy(), "must be a feature table \\(pandas DataFrame\\), got ndarray"),
        (lambda f: f.drop(columns="tenure_days"), "lacks 1 column .*: tenure_days"),
        (lambda f: f.drop(columns="customer_id"), "lacks 1 column .*: customer_id"),
    ],
)
def test_churn_model_names_a_table_it_cannot_score(table, expected):
    # a notebook passing an array or a table short of a column got numpy's AttributeError or
    # pandas' KeyError from deep inside
    features, activity = _rhythm_world(600, seed=5)
    model = ChurnModel(horizon_days=180).fit(features, activity)
    with pytest.raises(InputError, match=expected):
        model.predict_proba(table(features))


def test_baseline_ranks_customers_exactly_as_its_column():
    features, activity = _rhythm_world(2000, seed=4)
    base = BaselineModel(target="churn", horizon_days=180).fit(features, activity)
    y = base.labels(features, activity)
    column = features["days_since_last_event"]
    # isotonic regression alone is a step function; the tie-break keeps the column's order
    assert roc_auc_score(y, base.predict(features)) == pytest.approx(roc_auc_score(y, column))
    assert pd.Series(base.predict(features)).rank().corr(column.rank()) == pytest.approx(1.0)


def test_a_tie_goes_to_the_baseline_even_without_a_margin():
    features, activity = _rhythm_world(1000, seed=5)
    base = BaselineModel(target="churn").fit(features, activity)
    y = base.labels(features, activity)
    p = base.predict(features)
    same = choose("churn_risk", "churn", y, p, p, margin=0)
    assert same.tie and same.winner == "baseline" and "tie -> baseline" in same.line()


def test_promo_use_shrinks_a_short_record_towards_its_prior():
    rng = np.random.default_rng(6)
    n = 2000
    price = rng.uniform(0.5, 2.0, n)
    true_rate = np.clip(0.9 - 0.4 * price, 0.02, 1)
    frequency = rng.poisson(2.0, n)
    frequency[:100] = 0  # customers without orders get the prior
    promo = rng.binomial(frequency, true_rate)
    features = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "frequency": frequency,
            "coupon_share": np.where(frequency > 0, promo / np.maximum(frequency, 1), np.nan),
            "price_level": price,
        }
    )
    score = PromoUseModel(random_state=0).fit(features).predict(features)
    assert np.isfinite(score).all() and ((score >= 0) & (score <= 1)).all()
    own = features["coupon_share"].fillna(0.5)
    truth = pd.Series(true_rate)
    assert pd.Series(score).corr(truth, method="spearman") > own.corr(truth, method="spearman")


def test_empty_columns_get_a_neutral_value_or_are_left_out_with_a_note():
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "price_level": [0.8, np.nan, 1.3],
            "sale_order_lift": np.nan,
            "sale_view_lift": np.nan,
            "view_price_level": np.nan,
            "browse_trend": np.nan,
            "cart_abandonment": np.nan,
            "mean_rating": [4.0, np.nan, np.nan],  # partly filled: kept as it is
        }
    )
    out, notes = fill_empty_columns(customers)
    assert (out[["sale_order_lift", "sale_view_lift", "browse_trend"]] == 1.0).all().all()
    assert out["view_price_level"].tolist() == [0.8, 1.0, 1.3]
    assert "cart_abandonment" not in out and out["mean_rating"].isna().sum() == 2
    assert len(notes) == 5 and all(": " in note for note in notes)
    assert any(n.startswith("cart_abandonment: no add-to-cart events") for n in notes)


@pytest.mark.slow
def test_an_orders_only_shop_gets_values_and_printed_choices(shop_dir, tmp_path):
    folder = tmp_path / "orders_only"
    shutil.copytree(shop_dir, folder, ignore=shutil.ignore_patterns("events*", "reviews*", "_*"))
    with Store(":memory:") as store:
        ingest(store, folder)
        profile = build_profile(store, as_of=END)
    c = profile.customers
    for column in ("sale_view_lift", "browse_trend", "view_price_level"):
        assert c[column].notna().all(), column
    assert "cart_abandonment" not in c and "mean_rating" not in c
    assert c["churn_risk"].notna().all() and c["discount_sensitivity"].notna().all()
    buyers = c["frequency"] > 0
    assert c.loc[buyers, "clv_12m"].notna().all()
    assert any(note.startswith("churn_risk: model AUC") for note in profile.notes)
    assert any(note.startswith("browse_trend: no browsing events") for note in profile.notes)
    assert any(note.startswith("discount_sensitivity") for note in profile.notes)
    assert 3 <= c["segment"].nunique() <= 8


def test_a_history_too_short_for_the_window_models_still_gets_churn_and_propensity(tmp_path):
    rng = np.random.default_rng(3)
    n = 300
    days = rng.integers(0, 60, n)
    orders = pd.DataFrame(
        {
            "order_id": [f"o{i}" for i in range(n)],
            "customer_id": [f"c{i % 80}" for i in range(n)],
            "product_id": [f"p{i % 7}" for i in range(n)],
            "quantity": 1,
            "price": rng.uniform(5, 50, n).round(2),
            "ordered_at": (pd.Timestamp("2026-05-01") + pd.to_timedelta(days, "D")).astype(str),
        }
    )
    (tmp_path / "shop").mkdir()
    orders.to_csv(tmp_path / "shop" / "orders.csv", index=False)
    with Store(":memory:") as store:
        ingest(store, tmp_path / "shop")
        profile = build_profile(store, as_of=pd.Timestamp("2026-07-01"))
    c = profile.customers
    for column in ("churn_risk", "purchase_propensity_30d"):
        assert c[column].notna().all() and c[column].between(0, 1).all(), column
        assert any(n.startswith(f"{column}:") and "filled with" in n for n in profile.notes)
    # the fallback still ranks (BG/NBD's P(no order in 180 days)): every customer here buys at
    # the same rate with no dropout, so the fewer the orders, the likelier none in 180 days;
    # among customers with as many orders, a longer silence never lowers it
    silent = c["recency_days"] if "recency_days" in c else c["days_since_last_event"]
    assert c["frequency"].corr(c["churn_risk"], method="spearman") < -0.5
    for _, same in c.assign(silent=silent).sort_values("silent").groupby("frequency"):
        assert (same["churn_risk"].diff().dropna() >= -1e-6).all()


def _promo_table(rng: np.random.Generator, rate: np.ndarray, n: int) -> pd.DataFrame:
    own = rng.poisson(4.0, n)
    promo = rng.binomial(own, rate)
    # a campaign's redemptions: one more promo order for half the light buyers, none for others
    redeemed = (own <= 2) & (rng.random(n) < 0.5)
    frequency = own + redeemed
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "frequency": frequency,
            "coupon_share": (promo + redeemed) / np.maximum(frequency, 1),
            "own_orders": own,
            "own_promo_orders": promo,
            "price_level": rng.uniform(0.5, 2.0, n),
            "tenure_days": rng.uniform(10, 700, n),
        }
    )


def test_promo_use_counts_own_orders_and_says_whether_it_found_a_signal():
    rng = np.random.default_rng(7)
    n = 3000
    probe = _promo_table(rng, np.full(n, 0.1), n)
    price = probe["price_level"].to_numpy()
    true_rate = np.clip(0.45 - 0.2 * price, 0.02, 1)  # cheaper taste: more coupons
    features = _promo_table(rng, true_rate, n).assign(price_level=price)
    model = PromoUseModel(random_state=0).fit(features)
    assert model.signal_z_ > 5 and model.signal_auc_ > 0.55
    truth = pd.Series(true_rate)
    own = pd.Series(model.predict(features)).corr(truth, method="spearman")
    # the campaign's redemptions (light buyers) are not read as a taste for discounts
    mixed = PromoUseModel(random_state=0).fit(features.drop(columns=["own_orders"]))
    mixed_corr = pd.Series(mixed.predict(features.drop(columns=["own_orders"]))).corr(
        truth, method="spearman"
    )
    assert own > mixed_corr + 0.05
    # coupons used at random: nothing to learn, and the model says so
    noise = _promo_table(rng, np.full(n, 0.1), n)
    assert PromoUseModel(random_state=0).fit(noise).signal_z_ < 2.0


def test_promo_use_prior_scores_new_customers_on_the_fit_tables_percentiles():
    rng = np.random.default_rng(8)
    n = 2000
    price = rng.uniform(0.5, 2.0, n)
    features = _promo_table(rng, np.clip(0.45 - 0.2 * price, 0.02, 1), n).assign(price_level=price)
    model = PromoUseModel(random_state=0).fit(features)
    new = pd.DataFrame(
        {
            "customer_id": ["new1", "new2", "new3"],
            "price_level": [0.6, 1.9, np.nan],  # unseen customers; one without a price level
            "tenure_days": [300.0, 300.0, 300.0],
        }
    )
    prior = model.prior(new)
    assert prior[0] > prior[2] > prior[1]  # cheap > unknown (the median) > dear
    # a table of one row is mapped on the fit table's percentiles, not on its own
    assert model.prior(new.iloc[[0]])[0] == pytest.approx(prior[0])


def test_order_auc_is_the_auc_over_orders_ties_counting_half():
    rng = np.random.default_rng(9)
    n = 500
    score = np.round(rng.random(n), 2)  # many ties
    orders = rng.integers(0, 5, n).astype(float)
    promo = np.minimum(rng.binomial(orders.astype(int), 0.2 + 0.5 * score), orders)
    y = np.r_[np.ones(n), np.zeros(n)]
    expected = roc_auc_score(y, np.r_[score, score], sample_weight=np.r_[promo, orders - promo])
    assert order_auc(score, orders, promo) == pytest.approx(expected, abs=1e-12)
    # one promo order against one plain order of a tied customer: one half
    assert order_auc(np.array([0.3, 0.3]), np.array([1.0, 1.0]), np.array([1.0, 0.0])) == 0.5
    assert np.isnan(order_auc(score, orders, np.zeros(n)))  # no promo orders: undefined


def test_the_checks_bootstrap_ranks_the_scores_once_with_the_same_result(monkeypatch):
    from promopilot.profile import sensitivity_check as check

    rng = np.random.default_rng(3)
    n = 30_000  # above BOOTSTRAP_ROWS: each resample draws 20,000 customers
    orders = rng.integers(0, 4, n).astype(float)
    promo = np.minimum(orders, rng.integers(0, 2, n)).astype(float)
    rows = pd.DataFrame(
        {"model_score": np.round(rng.random(n), 3), "price_level": rng.gamma(2.0, 0.5, n)}
    )
    # the standard error as the bootstrap defines it: order_auc of each resample
    draw = np.random.default_rng(0)
    single = check.oriented(rows["price_level"], check.SINGLE_COLUMNS["price_level"]).to_numpy()
    model, diffs = rows["model_score"].to_numpy(), []
    for _ in range(check.BOOTSTRAP):
        pick = draw.integers(0, n, check.BOOTSTRAP_ROWS)
        o, p = orders[pick], promo[pick]
        diffs.append(order_auc(single[pick], o, p) - order_auc(model[pick], o, p))
    expected = float(np.std(diffs) * np.sqrt(check.BOOTSTRAP_ROWS / n))
    calls = []
    unique = np.unique
    monkeypatch.setattr(np, "unique", lambda *a, **k: calls.append(1) or unique(*a, **k))
    assert check._difference_se(rows, "price_level", orders, promo) == expected  # to the bit
    assert len(calls) == 2  # each score column ranked once, not in each of 200 resamples


def test_promo_use_fit_predict_is_fit_then_predict():
    rng = np.random.default_rng(10)
    n = 1000
    price = rng.uniform(0.5, 2.0, n)
    features = _promo_table(rng, np.clip(0.45 - 0.2 * price, 0.02, 1), n).assign(price_level=price)
    model = PromoUseModel(random_state=0)
    once = model.fit_predict(features)
    np.testing.assert_array_equal(
        once, PromoUseModel(random_state=0).fit(features).predict(features)
    )
    np.testing.assert_array_equal(model.fit_prior_, model.prior(features))


def test_churn_risk_is_the_regression_averaged_with_recency():
    features, activity = _rhythm_world(2000, seed=7)
    model = ChurnModel(horizon_days=180).fit(features, activity)
    base = BaselineModel(target="churn", horizon_days=180).fit(features, activity)
    X = churn_inputs(features)[list(CHURN_COLUMNS)].to_numpy()
    regression = model.model_.predict_proba(X)[:, 1]
    expected = (regression + base.predict(features)) / 2
    np.testing.assert_allclose(model.predict_proba(features)[:, 1], expected)
    labels = model.predict(features)  # 1: gone, where the churn risk is above one half
    np.testing.assert_array_equal(labels, (model.predict_proba(features)[:, 1] > 0.5).astype(int))
    assert 0.2 < labels.mean() < 0.8
    # a calibrated probability still: the mean churn risk is near the share who left
    y = base.labels(features, activity)
    assert abs(model.predict_proba(features)[:, 1].mean() - y.mean()) < 0.02


def _close_scores(seed: int, *, jitter: float, shuffle: float) -> tuple[np.ndarray, ...]:
    """Labels, a baseline score and a model score that ranks them a little worse: the
    baseline plus noise of sd `jitter`, with a share `shuffle` of its values shuffled."""
    rng = np.random.default_rng(seed)
    y = (rng.uniform(size=1500) < 0.4).astype(float)
    baseline = y + rng.normal(0, 0.8, len(y))
    model = baseline + rng.normal(0, jitter, len(y))
    shuffled = rng.uniform(size=len(y)) < shuffle
    model[shuffled] = rng.permutation(model[shuffled])
    return y, model, baseline


def test_churn_keeps_its_model_when_it_is_worse_only_within_the_noise():
    y, model, baseline = _close_scores(8, jitter=0.1, shuffle=0.0)
    assert roc_auc_score(y, model) < roc_auc_score(y, baseline)
    # a plain comparison hands the column to recency for a difference the split cannot show
    assert choose("churn_risk", "churn", y, model, baseline, margin=0).winner == "baseline"
    choice = choose_within_noise("churn_risk", "churn", y, model, baseline)
    assert choice.winner == "model" and not choice.tie
    assert "within noise" in choice.line() and "-> model" in choice.line()
    same = choose_within_noise("churn_risk", "churn", y, baseline, baseline)
    assert same.winner == "model" and "within noise" in same.line()


def test_churn_falls_back_to_recency_when_the_model_is_clearly_worse():
    y, model, baseline = _close_scores(9, jitter=0.0, shuffle=0.1)
    noise = auc_difference_se(y, model, baseline)
    assert roc_auc_score(y, baseline) - roc_auc_score(y, model) > 2 * noise > 0
    choice = choose_within_noise("churn_risk", "churn", y, model, baseline)
    assert choice.winner == "baseline" and "baseline wins" in choice.line()
    flat = choose_within_noise("churn_risk", "churn", np.ones(50), model[:50], baseline[:50])
    assert flat.winner == "baseline" and flat.tie


def test_the_sensitivity_note_says_no_better_or_below_chance_not_zero_errors_above(monkeypatch):
    """A shop whose coupon use the prior cannot rank read "AUC 0.500, 0.0 standard errors above
    chance", and one ranked worse than chance "-1.3 standard errors above chance": no better
    than chance, below chance by 1.3; the figure stays where it says something."""
    from promopilot.profile import build
    from promopilot.profile.sensitivity import chance_words

    assert chance_words(0.5, 0.0) == "AUC 0.500: no better than chance"
    assert chance_words(0.5012, 0.05) == "AUC 0.501: no better than chance"
    assert chance_words(0.5012, -0.04) == "AUC 0.501: no better than chance"
    assert chance_words(0.47, -1.3) == "AUC 0.470: below chance by 1.3 standard errors"
    assert chance_words(0.53, 0.7) == "AUC 0.530, 0.7 standard errors above chance"

    class Unpredictable:  # the prior as fitted on such a shop
        def __init__(self, random_state):
            self.signal_auc_, self.signal_z_ = 0.4712, -1.34

        def fit_predict(self, table):
            return np.full(len(table), 0.5)

    frame = pd.DataFrame({"customer_id": ["a", "b"]})
    monkeypatch.setattr(build, "PromoUseModel", Unpredictable)
    monkeypatch.setattr(build, "sale_days", lambda *a, **k: None)
    monkeypatch.setattr(build, "_with_own_counts", lambda store, table, *a: table)
    notes: list[str] = []
    table = frame.set_index("customer_id", drop=False)
    build._check_sensitivity(None, None, table, lambda *a: frame, {}, notes, None)
    assert notes == [
        "discount_sensitivity: nobody's own use of discounts and coupons is predictable "
        "(AUC 0.471: below chance by 1.3 standard errors): the default blend is kept"
    ]
