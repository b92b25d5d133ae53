"""The estimator contract, run on every estimator class in the package.

Classes are collected, not listed: every `sklearn.base.BaseEstimator` subclass defined in a
promopilot module (private `_Base` classes aside) is checked. A class is fitted on a small
example of its family (uplift learners: `fit(X, y, treatment)`; recommenders:
`fit(interactions)`); a class of no family needs an entry in `EXAMPLES`, and
`test_every_estimator_has_an_example` fails until it has one, so a new estimator cannot slip
past the contract.

The contract (scikit-learn's, as docs/architecture.md states it): `__init__` stores its
parameters unchanged and sets no fitted attribute; `get_params`/`set_params`/`clone` round-trip;
use before `fit` raises `NotFittedError`; `fit` returns `self` and sets attributes ending in
`_`; two fits with the same parameters give the same output.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone

import promopilot
from promopilot.exceptions import NotFittedError

SKIP_PACKAGES = ("promopilot.cli", "promopilot.serve")


def collect_estimators() -> list[type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(promopilot.__path__, "promopilot."):
        if info.name.startswith(SKIP_PACKAGES):
            continue
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if (
                inspect.isclass(cls)
                and issubclass(cls, BaseEstimator)
                and cls.__module__ == module.__name__
                and not name.startswith("_")
                and not inspect.isabstract(cls)
            ):
                found[f"{cls.__module__}.{name}"] = cls
    return [found[k] for k in sorted(found)]


@dataclass
class Example:
    """How to fit one estimator and read its output."""

    fit_args: tuple
    output: Callable[[Any], Any]  # fitted estimator -> something comparable
    params: dict = field(default_factory=dict)
    fit_kwargs: dict = field(default_factory=dict)


# -- families -------------------------------------------------------------------------------


def _uplift_data(seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 600
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.random(n)})
    treatment = rng.choice(np.array(["control", "pct10", "freeship"], dtype=object), size=n)
    base = 0.2 + 0.1 * (X["a"] > 0)
    lift = np.where(treatment == "control", 0.0, 0.15 * (X["b"] > 0))
    y = (rng.random(n) < base + lift).astype(int)
    return X, y, treatment


def uplift_example(cls: type) -> Example:
    X, y, treatment = _uplift_data()
    from promopilot.uplift.models import TLearner, XLearner

    params: dict = {}
    accepted = inspect.signature(cls.__init__).parameters
    if "estimators" in accepted:  # ensembles
        params["estimators"] = (("t", TLearner()), ("x", XLearner()))
    if "estimator" in accepted:  # wrappers such as calibration
        params["estimator"] = TLearner()
    return Example(fit_args=(X, y, treatment), output=lambda est: est.predict(X), params=params)


def _interactions() -> tuple[pd.DataFrame, pd.DataFrame]:
    """80 customers with 8 interactions each over 20 products in 3 categories, and the
    product catalogue (titles, some Chinese)."""
    rng = np.random.default_rng(0)
    n_customers, n_products, per = 80, 20, 8
    category = np.array(["tea", "cups", "snacks"])[np.arange(n_products) % 3]
    taste = rng.integers(0, 3, n_customers)
    rows = []
    for c in range(n_customers):
        liked = np.flatnonzero(category == category[taste[c]])
        picks = np.concatenate([rng.choice(liked, per // 2), rng.integers(0, n_products, per // 2)])
        rows += [
            (f"c{c}", f"p{p}", float(rng.integers(1, 6)), int(rng.integers(0, 90))) for p in picks
        ]
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "weight", "day"])
    frame["last_seen"] = pd.Timestamp("2026-01-01") + pd.to_timedelta(frame.pop("day"), "D")
    frame["timestamp"] = frame["last_seen"]
    frame["category"] = frame["product_id"].map(
        dict(zip([f"p{i}" for i in range(n_products)], category, strict=True))
    )
    products = pd.DataFrame(
        {
            "product_id": [f"p{i}" for i in range(n_products)],
            "title": [f"{'绿茶' if c == 'tea' else c} item {i}" for i, c in enumerate(category)],
            "category": category,
            "description": "",
        }
    )
    return frame, products


def recommender_example(cls: type) -> Example:
    interactions, products = _interactions()
    return Example(
        fit_args=(interactions,),
        fit_kwargs={"products": products},
        output=lambda est: est.recommend(["c1", "c2", "new"], k=3),
    )


FAMILIES: list[tuple[Callable[[type], bool], Callable[[type], Example]]] = [
    (lambda cls: "treatment" in inspect.signature(cls.fit).parameters, uplift_example),
    (lambda cls: hasattr(cls, "recommend"), recommender_example),
]


# -- estimators of their own kind ------------------------------------------------------------


def _rfm() -> tuple[pd.Series, pd.Series, pd.Series, np.ndarray]:
    from promopilot.profile.simulation import simulate_bgnbd

    n = 500
    data = simulate_bgnbd(n, r=0.25, alpha=4.0, a=0.8, b=2.5, T=np.full(n, 39.0), random_state=0)
    rng = np.random.default_rng(0)
    monetary = np.where(data["frequency"] > 0, rng.gamma(4.0, 10.0, n), 0.0)
    return data["frequency"], data["recency"], data["T"], monetary


def beta_geo_example() -> Example:
    frequency, recency, T, _ = _rfm()
    return Example(
        fit_args=(frequency, recency, T),
        output=lambda est: est.expected_purchases(10.0, frequency, recency, T),
    )


def gamma_gamma_example() -> Example:
    frequency, _, _, monetary = _rfm()
    return Example(fit_args=(frequency, monetary), output=lambda est: est.params_)


def segmenter_example() -> Example:
    rng = np.random.default_rng(0)
    n = 240
    group = rng.integers(0, 3, n)
    features = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "recency_days": rng.gamma(2, 20, n) + 100 * group,
            "frequency": rng.poisson(2 + 3 * group, n),
            "monetary": rng.gamma(2, 50, n) * (1 + group),
            "top_category": rng.choice(["tea", "cups"], n),
        }
    )
    return Example(
        fit_args=(features,),
        output=lambda est: est.predict(features),
        params={"features": ["recency_days", "frequency", "monetary"], "k_max": 4},
    )


def _reviews() -> tuple[list[str], list[int]]:
    good = ["质量很好，非常满意", "Great quality, very happy", "物流很快，包装完好", "Love it"]
    bad = ["质量太差了，不推荐", "Poor quality, would not recommend", "物流太慢", "Broke at once"]
    texts = (good + bad) * 10
    ratings = ([5] * len(good) + [1] * len(bad)) * 10
    return texts, ratings


def sentiment_example() -> Example:
    texts, ratings = _reviews()
    return Example(
        fit_args=(texts, ratings),
        output=lambda est: est.predict(texts[:8]),
        params={"min_df": 1},
    )


def lexicon_example() -> Example:
    texts, _ = _reviews()
    return Example(fit_args=(texts,), output=lambda est: est.predict(texts[:8]))


def _customers(recency: str, frequency: bool = True) -> tuple[pd.DataFrame, np.ndarray]:
    """300 customers' tenure, days since `recency` and (optionally) order counts, and a
    window activity count that falls with recency (and grows with frequency)."""
    rng = np.random.default_rng(0)
    n = 300
    features = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "tenure_days": rng.uniform(100, 400, n),
            recency: rng.gamma(2.0, 30.0, n),
        }
    )
    if frequency:
        features["frequency"] = rng.poisson(2.0, n)
    return features, rng


def _activity(features, rate, rng, name) -> pd.Series:
    return pd.Series(np.asarray(rng.poisson(rate)), index=features["customer_id"], name=name)


def window_model_example() -> Example:
    features, rng = _customers("recency_days")
    rate = np.exp(-features["recency_days"] / 60.0) * (1 + features["frequency"])
    window_orders = _activity(features, rate, rng, "orders")
    return Example(
        fit_args=(features, window_orders),
        output=lambda est: est.predict_proba(features),
        params={"n_estimators": 20},
    )


def baseline_model_example() -> Example:
    features, rng = _customers("days_since_last_event", frequency=False)
    rate = np.exp(-features["days_since_last_event"] / 60.0)
    window_orders = _activity(features, rate, rng, "orders")
    return Example(
        fit_args=(features, window_orders),
        output=lambda est: est.predict(features),
        params={"target": "churn"},
    )


def churn_model_example() -> Example:
    features, rng = _customers("days_since_last_event")
    rate = np.exp(-features["days_since_last_event"] / 60.0)
    activity = _activity(features, rate, rng, "n")
    return Example(fit_args=(features, activity), output=lambda est: est.predict_proba(features))


def promo_use_model_example() -> Example:
    rng = np.random.default_rng(0)
    n = 300
    price = rng.uniform(0.5, 2.0, n)
    features = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "frequency": rng.poisson(3.0, n),
            "price_level": price,
            "tenure_days": rng.uniform(100, 400, n),
            "coupon_share": np.clip(1.0 / price - 0.4 + rng.normal(0, 0.1, n), 0, 1),
        }
    )
    return Example(
        fit_args=(features,), output=lambda est: est.predict(features), params={"n_folds": 3}
    )


EXAMPLES: dict[str, Callable[[], Example]] = {
    "ChurnModel": churn_model_example,
    "PromoUseModel": promo_use_model_example,
    "BaselineModel": baseline_model_example,
    "BetaGeoModel": beta_geo_example,
    "GammaGammaModel": gamma_gamma_example,
    "ClusterSegmenter": segmenter_example,
    "SentimentModel": sentiment_example,
    "LexiconSentiment": lexicon_example,
    "WindowModel": window_model_example,
}


def example_for(cls: type) -> Example | None:
    for matches, build in FAMILIES:
        if matches(cls):
            return build(cls)
    build = EXAMPLES.get(cls.__name__)
    return build() if build is not None else None


ESTIMATORS = collect_estimators()


def _same(a: Any, b: Any) -> None:
    if isinstance(a, pd.DataFrame | pd.Series):
        pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            _same(a[key], b[key])
    else:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_estimators_are_collected() -> None:
    names = {cls.__name__ for cls in ESTIMATORS}
    assert {"PooledXLearner", "BetaGeoModel", "ClusterSegmenter", "SentimentModel"} <= names


def test_every_estimator_has_an_example() -> None:
    missing = [
        cls.__name__
        for cls in ESTIMATORS
        if not any(matches(cls) for matches, _ in FAMILIES) and cls.__name__ not in EXAMPLES
    ]
    assert not missing, f"add a contract example for: {', '.join(missing)}"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_params_round_trip(cls: type) -> None:
    example = example_for(cls)
    if example is None:
        pytest.skip("no example (see test_every_estimator_has_an_example)")
    estimator = cls(**example.params)
    params = estimator.get_params(deep=False)
    for name, value in example.params.items():
        assert params[name] is value, f"__init__ changed parameter {name}"
    fitted_early = [k for k in vars(estimator) if k.endswith("_") and not k.startswith("_")]
    assert not fitted_early, f"__init__ set fitted attributes {fitted_early}"
    twin = clone(estimator)
    assert type(twin) is cls
    assert twin.get_params(deep=False).keys() == params.keys()
    assert twin.set_params(**params) is twin


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_unfitted_use_raises(cls: type) -> None:
    example = example_for(cls)
    if example is None:
        pytest.skip("no example (see test_every_estimator_has_an_example)")
    with pytest.raises(NotFittedError):
        example.output(cls(**example.params))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_fit_returns_self_and_refit_is_repeatable(cls: type) -> None:
    example = example_for(cls)
    if example is None:
        pytest.skip("no example (see test_every_estimator_has_an_example)")
    for module in getattr(cls, "requires", ()):  # optional extras, e.g. torch ([deep])
        pytest.importorskip(module)
    first = cls(**example.params)
    assert first.fit(*example.fit_args, **example.fit_kwargs) is first
    fitted = [k for k in vars(first) if k.endswith("_") and not k.startswith("_")]
    assert fitted, "fit set no attribute ending in '_'"
    second = clone(first).fit(*example.fit_args, **example.fit_kwargs)
    _same(example.output(first), example.output(second))


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_predicting_on_no_rows_gives_no_rows(cls: type) -> None:
    """An empty table in gives an empty answer out, not a library's 'Found array with 0
    sample(s)' or 'Input data must be 2 dimensional and non empty'."""
    example = example_for(cls)
    method = next((m for m in ("predict", "predict_proba") if hasattr(cls, m)), None)
    if example is None or method is None or not hasattr(example.fit_args[0], "iloc"):
        pytest.skip("no table-in, rows-out prediction")
    for module in getattr(cls, "requires", ()):
        pytest.importorskip(module)
    fitted = cls(**example.params).fit(*example.fit_args, **example.fit_kwargs)
    out = getattr(fitted, method)(example.fit_args[0].iloc[:0])
    assert len(out) == 0
