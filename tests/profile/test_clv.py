"""Tests of the BG/NBD, Gamma-Gamma and CLV functions (promopilot.profile.clv)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special

from promopilot.exceptions import InputError, NotEnoughDataError, NotFittedError
from promopilot.profile.clv import (
    DAYS_PER_MONTH,
    BetaGeoModel,
    GammaGammaModel,
    customer_lifetime_value,
    simulate_bgnbd,
    summary_from_transactions,
)

# Fader, Hardie & Lee (2005), CDNOW sample, 39-week calibration
FHL_PARAMS = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def _shared_data() -> Path:
    env = os.environ.get("PROMOPILOT_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    path = _shared_data() / "cdnow-sample" / "CDNOW_sample.txt"
    if not path.exists():
        pytest.skip(f"CDNOW sample not found at {path} (set PROMOPILOT_SHARED_DATA)")
    tx = pd.read_csv(
        path,
        sep=r"\s+",
        header=None,
        names=["master_id", "customer", "date", "cds", "value"],
        dtype={"date": str},
    )
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return summary_from_transactions(
        tx,
        "customer",
        "date",
        "value",
        as_of="1998-06-30",
        calibration_end="1997-09-30",
        time_unit_days=7,
    )


def test_cdnow_published_parameters(cdnow_summary):
    s = cdnow_summary
    # the counts reported by Fader, Hardie & Lee (2005)
    assert len(s) == 2357
    assert (s["frequency"] > 0).sum() == 946
    assert s["frequency"].sum() == 2457
    # customer 1 bought on 1997-01-01, 01-18 and 08-02 ($29.33, $29.73, $14.96)
    first = s.loc[1]
    assert first["frequency"] == 2
    assert first["recency"] == pytest.approx(213 / 7)
    assert first["T"] == pytest.approx(272 / 7)
    assert first["monetary_value"] == pytest.approx((29.73 + 14.96) / 2)

    bg = BetaGeoModel().fit(s["frequency"], s["recency"], s["T"])
    for name, published in FHL_PARAMS.items():
        assert bg.params_[name] == pytest.approx(published, abs=0.005), name
    assert bg.log_likelihood_ == pytest.approx(-9582.4, abs=0.1)  # FHL (2005), table 1
    assert bg.converged_

    gg = GammaGammaModel().fit(s["frequency"], s["monetary_value"])
    assert gg.n_customers_ == 946
    assert gg.p_ == pytest.approx(6.25, abs=0.005)
    assert gg.q_ == pytest.approx(3.74, abs=0.005)
    assert gg.gamma_ == pytest.approx(15.44, abs=0.005)
    assert gg.log_likelihood_ == pytest.approx(-4055.92, abs=0.01)  # Fader & Hardie (2013)

    # holdout weeks 40-78: the model's total forecast is in the right range of the actual count
    predicted = bg.expected_purchases(39, s["frequency"], s["recency"], s["T"]).sum()
    actual = s["frequency_holdout"].sum()
    assert 0.8 * actual < predicted < 1.1 * actual


def test_conditional_expectation_matches_hardie_example():
    # Fader, Hardie & Lee's spreadsheet: x=2, t_x=30.43, T=38.86 -> 1.226 purchases in 39 weeks
    bg = BetaGeoModel.from_params(**FHL_PARAMS)
    value = bg.expected_purchases(39, [2], [30.43], [38.86])
    assert value[0] == pytest.approx(1.226, abs=0.001)


def _true_loglik(sim, r, alpha, a, b):
    return (
        BetaGeoModel.from_params(r, alpha, a, b)
        .log_likelihood(sim["frequency"], sim["recency"], sim["T"])
        .sum()
    )


@pytest.mark.slow
def test_fit_recovers_simulated_parameters():
    truth = {"r": 0.6, "alpha": 8.0, "a": 0.9, "b": 3.0}
    rng = np.random.default_rng(7)
    sim = simulate_bgnbd(30_000, **truth, T=rng.uniform(40, 100, 30_000), random_state=8)
    bg = BetaGeoModel().fit(sim["frequency"], sim["recency"], sim["T"])
    assert bg.r_ == pytest.approx(truth["r"], rel=0.1)
    assert bg.alpha_ == pytest.approx(truth["alpha"], rel=0.15)
    assert bg.a_ == pytest.approx(truth["a"], rel=0.25)
    assert bg.b_ == pytest.approx(truth["b"], rel=0.25)
    # the maximum likelihood is at least the likelihood of the true parameters
    assert bg.log_likelihood_ >= _true_loglik(sim, **truth) - 1e-6
    assert bg.log_likelihood_ == pytest.approx(
        bg.log_likelihood(sim["frequency"], sim["recency"], sim["T"]).sum(), rel=1e-9
    )


def _best_nearby(loglik, params) -> float:
    """The highest log-likelihood an independent maximiser (Powell, without gradients, on
    the per-customer likelihood) finds starting from ``params``."""
    res = optimize.minimize(
        lambda theta: -loglik(*np.exp(theta)),
        np.log(params),
        method="Powell",
        options={"maxfev": 600, "xtol": 1e-6, "ftol": 1e-12},
    )
    return -res.fun


def test_fit_is_the_maximum_likelihood_on_a_small_shop():
    rng = np.random.default_rng(11)
    sim = simulate_bgnbd(400, r=0.5, alpha=20.0, a=0.8, b=2.5, T=rng.uniform(30, 400, 400))
    f, r, T = sim["frequency"], sim["recency"], sim["T"]
    bg = BetaGeoModel().fit(f, r, T)
    assert bg.converged_

    def loglik(*params):
        return BetaGeoModel.from_params(*params).log_likelihood(f, r, T).sum()

    fitted = [bg.r_, bg.alpha_, bg.a_, bg.b_]
    assert bg.log_likelihood_ == pytest.approx(loglik(*fitted), rel=1e-12)
    assert bg.log_likelihood_ >= _best_nearby(loglik, fitted) - 1e-7


def test_fit_towards_a_degenerate_limit_stops_after_its_polish_budget():
    # everyone buys at one rate and drops out with one probability: the likelihood keeps
    # rising towards r, alpha, a, b -> inf, where its value carries rounding noise of about
    # 1e-8, L-BFGS-B stops on a failed line search and the polish's values never agree
    # within fatol. It used to run 4000 Nelder-Mead iterations (23,790 evaluations) to
    # return the point it had reached after 800 evaluations.
    rng = np.random.default_rng(5)
    big_t = rng.integers(10, 200, 300).astype(float)
    sim = simulate_bgnbd(300, r=1e6, alpha=3e7, a=1e6, b=3e6, T=big_t, random_state=5)
    f, r, T = sim["frequency"], sim["recency"], sim["T"]
    bg = BetaGeoModel().fit(f, r, T)
    # the premise: the polish ran here (should a steadier likelihood let L-BFGS-B converge,
    # this data no longer tests the polish's budget)
    assert not bg.converged_
    assert bg.n_evaluations_ <= 3 * 150 + 200 * 4  # three L-BFGS-B starts, then the polish

    def loglik(*params):
        return BetaGeoModel.from_params(*params).log_likelihood(f, r, T).sum()

    # no better point nearby, and the predictions of the limit: one purchase rate r / alpha
    assert bg.log_likelihood_ >= _best_nearby(loglik, [bg.r_, bg.alpha_, bg.a_, bg.b_]) - 1e-3
    assert bg.r_ / bg.alpha_ == pytest.approx(1 / 30, rel=0.1)


def test_weights_equal_repeated_rows():
    rng = np.random.default_rng(3)
    sim = simulate_bgnbd(
        3000, r=0.4, alpha=5.0, a=0.7, b=2.0, T=rng.integers(10, 60, 3000), random_state=4
    )
    sim["recency"] = np.floor(sim["recency"])  # integer periods -> many identical rows
    expanded = BetaGeoModel().fit(sim["frequency"], sim["recency"], sim["T"])
    table = sim.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    assert len(table) < len(sim) / 2
    weighted = BetaGeoModel().fit(
        table["frequency"], table["recency"], table["T"], weights=table["n"]
    )
    assert weighted.n_customers_ == len(sim)
    assert weighted.n_unique_rows_ == expanded.n_unique_rows_ == len(table)
    for name in ("r", "alpha", "a", "b"):
        assert weighted.params_[name] == pytest.approx(expanded.params_[name], rel=1e-5)
    assert weighted.log_likelihood_ == pytest.approx(expanded.log_likelihood_, rel=1e-9)


def test_predictions_match_simulated_future():
    """Averaged over any group of customers, E[Y(t) | history] equals the mean future count."""
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.8, "b": 2.5}
    n = 200_000
    sim = simulate_bgnbd(n, **truth, T=40.0, holdout=30.0, random_state=11)
    bg = BetaGeoModel.from_params(**truth)
    expected = bg.expected_purchases(30.0, sim["frequency"], sim["recency"], sim["T"])
    alive = bg.probability_alive(sim["frequency"], sim["recency"], sim["T"])
    groups = {
        "no repeat": sim["frequency"] == 0,
        "1-2 repeats, early last buy": sim["frequency"].between(1, 2) & (sim["recency"] < 15),
        "1-2 repeats, late last buy": sim["frequency"].between(1, 2) & (sim["recency"] >= 30),
        "3+ repeats": sim["frequency"] >= 3,
    }
    for label, mask in groups.items():
        mask = mask.to_numpy()
        assert mask.sum() > 2000, label
        actual = sim["frequency_holdout"].to_numpy()[mask]
        se = actual.std() / np.sqrt(mask.sum())
        assert expected[mask].mean() == pytest.approx(actual.mean(), abs=4 * se), label
        alive_rate = sim["alive"].to_numpy()[mask].mean()
        se_alive = np.sqrt(alive_rate * (1 - alive_rate) / mask.sum()) + 1e-3
        assert alive[mask].mean() == pytest.approx(alive_rate, abs=4 * se_alive), label
    assert np.all(alive[sim["frequency"].to_numpy() == 0] == 1.0)


def test_expected_purchases_new_matches_simulation():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.8, "b": 2.5}
    sim = simulate_bgnbd(200_000, **truth, T=52.0, random_state=5)
    bg = BetaGeoModel.from_params(**truth)
    se = sim["frequency"].std() / np.sqrt(len(sim))
    assert bg.expected_purchases_new(52.0) == pytest.approx(sim["frequency"].mean(), abs=4 * se)
    curve = bg.expected_purchases_new([0.0, 10.0, 52.0, 520.0])
    assert curve[0] == 0.0
    assert np.all(np.diff(curve) > 0)


@pytest.mark.parametrize("a", [0.6, 1.0, 1.00003, 2.5])
def test_heavy_buyer_expectation_by_monte_carlo(a):
    """Direct hyp2f1 overflows here; the Euler-transformed form must match a posterior draw."""
    r, alpha, b = 0.5, 6.0, 2.5
    x, tx, big_t, t = 60, 79.0, 80.0, 52.0
    bg = BetaGeoModel.from_params(r, alpha, a, b)
    value = bg.expected_purchases(t, [x], [tx], [big_t])[0]
    p_alive = bg.probability_alive([x], [tx], [big_t])[0]
    # given alive: lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x); future count is
    # Poisson(lambda t) purchases, stopped after the Geometric(p)-th one
    rng = np.random.default_rng(0)
    m = 400_000
    lam = rng.gamma(r + x, 1.0 / (alpha + big_t), m)
    p = rng.beta(a, b + x, m)
    future = np.minimum(rng.poisson(lam * t), rng.geometric(p))
    mc = p_alive * future.mean()
    se = p_alive * future.std() / np.sqrt(m)
    assert np.isfinite(value)
    assert value == pytest.approx(mc, abs=4 * se)


def test_expected_purchases_broadcasts_horizons():
    bg = BetaGeoModel.from_params(**FHL_PARAMS)
    x, tx, big_t = np.array([0, 2, 5]), np.array([0.0, 30.0, 10.0]), np.array([39.0, 39.0, 39.0])
    grid = bg.expected_purchases(np.array([13.0, 26.0])[:, None], x, tx, big_t)
    assert grid.shape == (2, 3)
    assert np.all(grid[1] > grid[0])
    assert grid[1] == pytest.approx(bg.expected_purchases(26.0, x, tx, big_t))


def test_bgnbd_refuses_bad_input_and_thin_data():
    with pytest.raises(NotFittedError):
        BetaGeoModel().probability_alive([1], [1.0], [2.0])
    with pytest.raises(InputError, match="recency must not exceed T"):
        BetaGeoModel().fit([1, 0], [5.0, 0.0], [4.0, 3.0])
    with pytest.raises(InputError, match="recency must be 0"):
        BetaGeoModel().fit([0], [2.0], [4.0])
    with pytest.raises(InputError, match="whole numbers"):
        BetaGeoModel().fit([1.5], [2.0], [4.0])
    with pytest.raises(NotEnoughDataError, match="repeat purchase"):
        BetaGeoModel().fit([0] * 50 + [1, 2], [0.0] * 50 + [3.0, 4.0], [10.0] * 52)
    with pytest.raises(InputError):
        BetaGeoModel().fit([1, 0], [1.0, np.nan], [2.0, 2.0])


# --------------------------------------------------------------------------- Gamma-Gamma


def _simulate_gg(n, p, q, gamma, seed):
    rng = np.random.default_rng(seed)
    x = 1 + rng.poisson(2.0, n)
    nu = rng.gamma(q, 1.0 / gamma, n)
    mean_value = rng.gamma(p * x, 1.0 / (nu * x))  # mean of x Gamma(p, nu) values
    return x, mean_value


@pytest.mark.slow
def test_gamma_gamma_recovers_parameters_and_ignores_non_repeaters():
    x, m = _simulate_gg(20_000, p=6.0, q=4.0, gamma=15.0, seed=1)
    x = np.concatenate([x, np.zeros(500, dtype=int)])
    m = np.concatenate([m, np.zeros(500)])
    gg = GammaGammaModel().fit(x, m)
    assert gg.n_customers_ == 20_000
    assert gg.p_ == pytest.approx(6.0, rel=0.1)
    assert gg.q_ == pytest.approx(4.0, rel=0.15)
    assert gg.gamma_ == pytest.approx(15.0, rel=0.25)


def test_gamma_gamma_likelihood_takes_gamma_functions_once_per_distinct_frequency(monkeypatch):
    from promopilot.profile import gamma_gamma

    rng = np.random.default_rng(4)
    xs = rng.integers(1, 13, 5_000).astype(float)  # 12 distinct repeat counts
    ms = rng.gamma(2.0, 20.0, 5_000)
    ws = rng.integers(1, 3, 5_000).astype(float)
    sizes = []
    for name in ("gammaln", "digamma"):
        real = getattr(special, name)
        monkeypatch.setattr(
            gamma_gamma.special,
            name,
            lambda v, real=real: sizes.append(np.size(v)) or real(v),
        )
    nll = gamma_gamma._gamma_gamma_nll(xs, ms, ws)
    for theta in (np.log([1.0, 1.0, 1.0]), np.array([0.3, -1.2, 2.5])):
        sizes.clear()
        value, grad = nll(theta)
        # a profile's fit makes hundreds of evaluations on up to 200,000 customers: the
        # gamma functions of p * x run on the 12 distinct counts, not on every customer
        assert max(sizes) == 12
        # ... and give the row-by-row likelihood and gradient to the last bit
        p, q, g = np.exp(theta)
        px, log_gxm = p * xs, np.log(g + xs * ms)
        rows = (
            special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q)
            + q * np.log(g) + (px - 1.0) * np.log(ms) + px * np.log(xs) - (px + q) * log_gxm
        )  # fmt: skip
        assert value == -float(ws @ rows) / ws.sum()
        dig = special.digamma(px + q)
        d_p = ws @ (xs * (dig - special.digamma(px) + np.log(ms) + np.log(xs) - log_gxm))
        assert grad[0] == -float(d_p) * p / ws.sum()


def test_gamma_gamma_towards_a_degenerate_limit_stops_after_its_polish_budget():
    # one per-transaction rate for everyone: q, gamma -> inf at a fixed q / gamma, where the
    # polish used to run 4000 Nelder-Mead iterations (19,944 evaluations)
    rng = np.random.default_rng(2)
    x = rng.integers(1, 4, 60).astype(float)
    m = rng.gamma(50.0 * x, 0.6 / x)
    gg = GammaGammaModel().fit(x, m)
    assert gg.n_evaluations_ <= 3 * 150 + 200 * 3

    def loglik(p, q, gamma):  # Fader & Hardie (2013), eq. 3, written out here
        px = p * x
        return float(
            np.sum(
                special.gammaln(px + q)
                - special.gammaln(px)
                - special.gammaln(q)
                + q * np.log(gamma)
                + (px - 1) * np.log(m)
                + px * np.log(x)
                - (px + q) * np.log(gamma + x * m)
            )
        )

    # out here the two ways of writing the likelihood differ by its rounding noise
    assert gg.log_likelihood_ == pytest.approx(loglik(gg.p_, gg.q_, gg.gamma_), rel=1e-6)
    assert gg.log_likelihood_ >= _best_nearby(loglik, [gg.p_, gg.q_, gg.gamma_]) - 1e-3
    assert gg.population_mean_value() == pytest.approx(float(np.mean(m)), rel=0.05)


def test_gamma_gamma_expected_value_by_hand():
    gg = GammaGammaModel.from_params(p=2.0, q=3.0, gamma=10.0)
    # p (gamma + x m) / (p x + q - 1): 2 * (10 + 20) / (2 + 2) = 15 ; no history: 2 * 10 / 2 = 10
    values = gg.expected_average_value([1, 0, 3], [20.0, 99.0, 20.0])
    assert values == pytest.approx([15.0, 10.0, 2 * 70 / 8])
    assert gg.population_mean_value() == 10.0


def test_gamma_gamma_refuses_thin_or_negative_data():
    with pytest.raises(NotEnoughDataError):
        GammaGammaModel().fit([0, 0, 1], [0.0, 0.0, 10.0])
    with pytest.raises(InputError, match=">= 0"):
        GammaGammaModel().fit([1, 2, 3, 4, 5, 6], [5.0, -1.0, 3.0, 4.0, 5.0, 6.0])
    with pytest.raises(NotFittedError):
        GammaGammaModel().expected_average_value([1], [2.0])


# --------------------------------------------------------------------------- CLV


def test_clv_without_discount_is_purchases_times_value():
    bg = BetaGeoModel.from_params(**FHL_PARAMS)
    gg = GammaGammaModel.from_params(p=6.25, q=3.74, gamma=15.44)
    x, tx, big_t, m = [0, 2, 7], [0.0, 30.43, 29.43], [38.86, 38.86, 38.86], [0.0, 22.35, 73.74]
    horizon = 52 * 7
    clv = customer_lifetime_value(
        bg, gg, x, tx, big_t, m, horizon_days=horizon, time_unit_days=7, discount_rate=0.0
    )
    expected = bg.expected_purchases(52, x, tx, big_t) * gg.expected_average_value(x, m)
    assert clv == pytest.approx(expected, rel=1e-10)
    discounted = customer_lifetime_value(
        bg, gg, x, tx, big_t, m, horizon_days=horizon, time_unit_days=7
    )
    assert np.all(discounted < clv)
    assert np.all(discounted > clv / 1.01**12)
    half_margin = customer_lifetime_value(
        bg, gg, x, tx, big_t, m, horizon_days=horizon, time_unit_days=7, margin=0.5
    )
    assert half_margin == pytest.approx(discounted * 0.5)


def test_clv_discounts_month_by_month():
    bg = BetaGeoModel.from_params(**FHL_PARAMS)
    gg = GammaGammaModel.from_params(p=6.25, q=3.74, gamma=15.44)
    x, tx, big_t, m = [3], [20.0], [30.0], [40.0]
    days = 45.0  # one full month and a partial one
    clv = customer_lifetime_value(
        bg, gg, x, tx, big_t, m, horizon_days=days, time_unit_days=7, discount_rate=0.02
    )
    e1 = bg.expected_purchases(DAYS_PER_MONTH / 7, x, tx, big_t)[0]
    e2 = bg.expected_purchases(days / 7, x, tx, big_t)[0]
    value = gg.expected_average_value(x, m)[0]
    by_hand = value * (e1 / 1.02 + (e2 - e1) / 1.02 ** (days / DAYS_PER_MONTH))
    assert clv[0] == pytest.approx(by_hand, rel=1e-12)
    assert customer_lifetime_value(bg, gg, x, tx, big_t, m, horizon_days=0)[0] == 0.0


# --------------------------------------------------------------------------- summary


def _tiny_transactions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b", "c", "a"],
            "timestamp": pd.to_datetime(
                [
                    "2026-01-01 09:00",
                    "2026-01-01 18:00",  # one occasion, 10 + 5
                    "2026-01-04 12:00",
                    "2026-01-11 08:00",  # repeats: 20, 30
                    "2026-01-08 10:00",  # b: a single purchase
                    "2026-01-20 10:00",  # c: after as_of, ignored
                    "2026-01-13 10:00",  # a: holdout purchase (after calibration end)
                ]
            ),
            "value": [10.0, 5.0, 20.0, 30.0, 50.0, 70.0, 8.0],
        }
    )


def test_summary_by_hand():
    tx = _tiny_transactions()
    s = summary_from_transactions(tx, "customer_id", "timestamp", "value", as_of="2026-01-15")
    assert list(s.index) == ["a", "b"]
    a, b = s.loc["a"], s.loc["b"]
    assert (a["frequency"], a["recency"], a["T"]) == (3, 12.0, 14.0)
    assert a["monetary_value"] == pytest.approx((20 + 30 + 8) / 3)
    assert (b["frequency"], b["recency"], b["T"], b["monetary_value"]) == (0, 0.0, 7.0, 0.0)
    weeks = summary_from_transactions(
        tx, "customer_id", "timestamp", "value", as_of="2026-01-15", time_unit_days=7
    )
    assert weeks.loc["a", "T"] == pytest.approx(2.0)


def test_summary_with_calibration_split_and_time_zone():
    tx = _tiny_transactions()
    tx["timestamp"] = tx["timestamp"].dt.tz_localize("Asia/Shanghai")
    s = summary_from_transactions(
        tx, "customer_id", "timestamp", "value", as_of="2026-01-15", calibration_end="2026-01-11"
    )
    a = s.loc["a"]
    assert (a["frequency"], a["recency"], a["T"]) == (2, 10.0, 10.0)
    assert a["monetary_value"] == pytest.approx(25.0)
    assert a["frequency_holdout"] == 1 and a["monetary_value_holdout"] == 8.0
    assert s.loc["b", "frequency_holdout"] == 0
    assert (s["duration_holdout"] == 4.0).all()


def test_summary_refuses_missing_columns():
    with pytest.raises(InputError, match="value"):
        summary_from_transactions(
            _tiny_transactions().drop(columns="value"),
            "customer_id",
            "timestamp",
            "value",
            as_of="2026-01-15",
        )
