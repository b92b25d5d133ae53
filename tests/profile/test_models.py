"""Tests of the window models (promopilot.profile.models): tables in, estimator contract."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from promopilot.exceptions import InputError, NotEnoughDataError, NotFittedError
from promopilot.profile.models import Evaluation, WindowModel


def _window(seed: int, n: int = 400) -> tuple[pd.DataFrame, pd.Series]:
    """Customers whose orders in the window follow their past frequency and recency."""
    rng = np.random.default_rng(seed)
    frequency = rng.poisson(2.0, n)
    recency = rng.uniform(1, 300, n)
    features = pd.DataFrame(
        {
            "customer_id": [f"c{i:04d}" for i in range(n)],
            "tenure_days": recency + rng.uniform(0, 100, n),
            "frequency": frequency,
            "recency_days": recency,
            "top_category": "shoes",
        }
    )
    rate = 0.2 * frequency * np.exp(-recency / 100)
    orders = pd.Series(rng.poisson(rate), index=features["customer_id"])
    return features, orders[orders > 0]


def test_fit_learns_from_tables_and_returns_self():
    features, orders = _window(0)
    model = WindowModel(target="purchase", n_estimators=30)
    assert model.fit(features, orders) is model
    assert model.features_ == ["tenure_days", "frequency", "recency_days"]
    p = model.predict_proba(features)[:, 1]
    bought = features["customer_id"].isin(orders.index).to_numpy()
    assert p[bought].mean() > p[~bought].mean() + 0.1  # it learnt who buys


def test_churn_is_the_complement_of_purchase_and_orders_are_counts():
    features, orders = _window(0)
    churn = WindowModel(target="churn", n_estimators=30).fit(features, orders)
    buy = WindowModel(target="purchase", n_estimators=30).fit(features, orders)
    churned = ~features["customer_id"].isin(orders.index).to_numpy()
    assert (
        churn.predict_proba(features)[churned, 1].mean()
        > buy.predict_proba(features)[churned, 1].mean()
    )
    counts = WindowModel(target="orders", n_estimators=30).fit(features, orders)
    expected = counts.predict(features)
    assert np.all(expected >= 0)
    assert expected.sum() == pytest.approx(orders.sum(), rel=0.1)


def test_predict_reads_columns_by_name_and_names_a_missing_one():
    features, orders = _window(0)
    model = WindowModel(target="purchase", n_estimators=30).fit(features, orders)
    p = model.predict_proba(features)
    shuffled = features[features.columns[::-1]].assign(note="text", extra=1.0)
    np.testing.assert_allclose(model.predict_proba(shuffled), p)
    with pytest.raises(InputError, match=r"lacks 1 column.*: recency_days"):
        model.predict_proba(features.drop(columns="recency_days"))


def test_window_inputs_are_checked_once_for_every_window_model():
    from promopilot.profile.baselines import BaselineModel
    from promopilot.profile.churn import ChurnModel

    features, orders = _window(0)
    features["days_since_last_event"] = features["recency_days"]
    twice = pd.concat([orders, orders.iloc[:5]])  # a customer listed twice: counted once, summed
    once = orders.groupby(level=0).sum()
    once.loc[orders.index[:5]] *= 2
    for model in (
        WindowModel(target="purchase", n_estimators=30),
        ChurnModel(),
        BaselineModel(column="recency_days", target="purchase"),
    ):
        p = getattr(clone(model).fit(features, twice), "predict_proba", None)
        q = getattr(clone(model).fit(features, once), "predict_proba", None)
        if p is not None:
            np.testing.assert_allclose(p(features), q(features))
        with pytest.raises(InputError, match=r"lacks column.*tenure_days"):
            clone(model).fit(features.drop(columns="tenure_days"), orders)
        with pytest.raises(InputError, match="more than once"):
            clone(model).fit(pd.concat([features, features.iloc[:1]]), orders)


def test_window_activity_without_customer_ids_is_refused_not_misread():
    """A list of counts has no customer ids: it was matched to no one, so every customer read
    as churned and the error said "more history is needed" (or a model was fitted on wrong
    labels). A mapping of ids is as good as a Series."""
    from promopilot.profile.baselines import BaselineModel
    from promopilot.profile.churn import ChurnModel

    features, orders = _window(0)
    features["days_since_last_event"] = features["recency_days"]
    counts = orders.reindex(features["customer_id"], fill_value=0)
    for model in (
        WindowModel(target="purchase", n_estimators=30),
        ChurnModel(),
        BaselineModel(column="recency_days", target="purchase"),
    ):
        for unlabelled in (counts.to_list(), counts.to_numpy()):
            with pytest.raises(InputError, match="indexed by customer_id"):
                clone(model).fit(features, unlabelled)
        with pytest.raises(InputError, match="must be a pandas DataFrame, got ndarray"):
            clone(model).fit(features.to_numpy(), orders)
        by_mapping = clone(model).fit(features, orders.to_dict())
        by_series = clone(model).fit(features, orders)
        if hasattr(by_series, "predict_proba"):
            np.testing.assert_allclose(
                by_mapping.predict_proba(features), by_series.predict_proba(features)
            )


def test_predict_on_an_array_names_the_table_it_needs():
    features, orders = _window(0)
    model = WindowModel(target="purchase", n_estimators=30).fit(features, orders)
    with pytest.raises(InputError, match=r"feature table \(pandas DataFrame\), got ndarray"):
        model.predict_proba(features.to_numpy())


def test_unfitted_model_raises_not_fitted():
    features, orders = _window(0)
    with pytest.raises(NotFittedError):
        WindowModel().predict_proba(features)
    with pytest.raises(NotFittedError):
        WindowModel().backtest(features, orders, features, orders)


def test_refit_with_the_same_seed_gives_the_same_predictions():
    features, orders = _window(1)
    a = WindowModel(n_estimators=30, random_state=3).fit(features, orders).predict_proba(features)
    b = WindowModel(n_estimators=30, random_state=3).fit(features, orders).predict_proba(features)
    np.testing.assert_array_equal(a, b)


def test_clone_and_params_round_trip():
    model = WindowModel(horizon_days=30, target="purchase", max_train_rows=None)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    assert twin.set_params(num_leaves=7).num_leaves == 7
    assert not hasattr(twin, "model_")


def test_too_little_history_names_the_window_start():
    features, orders = _window(0, n=50)
    with pytest.raises(NotEnoughDataError, match="50 customers with history before 2024-01-01"):
        WindowModel().fit(features, orders, window_start="2024-01-01")


def test_backtest_scores_a_model_trained_one_window_earlier():
    earlier, earlier_orders = _window(2)
    features, orders = _window(3)
    model = WindowModel(target="purchase", n_estimators=30).fit(features, orders)
    before = model.predict_proba(features)
    result = model.backtest(earlier, earlier_orders, features, orders)
    assert isinstance(result, Evaluation)
    assert result.n == len(features)
    assert result.auc > 0.6
    np.testing.assert_array_equal(model.predict_proba(features), before)  # model unchanged
    counts = WindowModel(target="orders", n_estimators=30).fit(features, orders)
    assert counts.backtest(earlier, earlier_orders, features, orders) is None


def test_backtest_needs_what_fit_needs_of_the_earlier_window():
    features, orders = _window(3)
    earlier, earlier_orders = _window(2)
    model = WindowModel(target="purchase", n_estimators=30).fit(features, orders)
    few_buyers = earlier_orders.iloc[:3]  # 3 buyers in 400: fit would refuse them
    with pytest.raises(NotEnoughDataError):
        WindowModel(target="purchase").fit(earlier, few_buyers)
    assert model.backtest(earlier, few_buyers, features, orders) is None


def test_yes_no_models_are_scikit_learn_classifiers():
    """classes_ [0, 1], predict_proba in two columns of that order, predict the labels: before,
    predict_proba gave one column and there was no predict."""
    from sklearn.base import is_classifier, is_regressor

    from promopilot.profile.churn import ChurnModel

    features, orders = _window(0)
    features["days_since_last_event"] = features["recency_days"]
    for model in (
        WindowModel(target="purchase", n_estimators=30),
        WindowModel(target="churn", n_estimators=30),
        ChurnModel(),
    ):
        assert is_classifier(model) and not is_regressor(model)
        assert hasattr(model, "predict_proba")
        model.fit(features, orders)
        np.testing.assert_array_equal(model.classes_, [0, 1])
        p = model.predict_proba(features)
        assert p.shape == (len(features), 2)
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        labels = model.predict(features)
        assert set(np.unique(labels)) <= {0, 1}
        np.testing.assert_array_equal(labels, (p[:, 1] > 0.5).astype(int))
        assert model.predict_proba(features.iloc[:0]).shape == (0, 2)
        assert model.predict(features.iloc[:0]).shape == (0,)


def test_the_orders_model_is_a_regressor_without_predict_proba():
    from sklearn.base import is_classifier, is_regressor

    features, orders = _window(0)
    model = WindowModel(target="orders", n_estimators=30)
    assert is_regressor(model) and not is_classifier(model)
    assert not hasattr(model, "predict_proba")  # before fit too: it depends on target only
    model.fit(features, orders)
    assert not hasattr(model, "predict_proba") and not hasattr(model, "classes_")
    with pytest.raises(AttributeError, match="predict_proba") as refused:
        model.predict_proba(features)
    assert "regressor" in str(refused.value.__cause__)
    expected = model.predict(features)
    assert expected.dtype.kind == "f" and np.all(expected >= 0)
    assert expected.sum() == pytest.approx(orders.sum(), rel=0.1)
    assert len(np.unique(expected)) > 2  # counts, not labels
    assert model.predict(features.iloc[:0]).shape == (0,)
    assert hasattr(model.set_params(target="purchase"), "predict_proba")
    model.fit(features, orders).set_params(target="orders").fit(features, orders)
    assert not hasattr(model, "classes_")  # a refit as a regressor drops the classifier's


def test_the_profile_keeps_the_event_probability_or_the_expected_orders():
    from promopilot.profile.models import feature_matrix
    from promopilot.profile.windows import predicted_value

    features, orders = _window(0)
    buy = WindowModel(target="purchase", n_estimators=30).fit(features, orders)
    np.testing.assert_array_equal(
        predicted_value(buy, features), buy.model_.predict_proba(feature_matrix(features))[:, 1]
    )
    counts = WindowModel(target="orders", n_estimators=30).fit(features, orders)
    np.testing.assert_array_equal(predicted_value(counts, features), counts.predict(features))


@pytest.mark.parametrize("ensemble", [True, False])
def test_predictions_run_on_predict_jobs_threads_and_do_not_depend_on_them(ensemble, monkeypatch):
    """Fits stay on `n_jobs` threads; predictions use `predict_jobs` and give the same values
    bit for bit with one or two threads (each row is scored on its own)."""
    from promopilot.profile import models

    if not ensemble:  # one calibrated model, as for a shop of more than 20,000 customers
        monkeypatch.setattr(models, "ENSEMBLE_MAX_ROWS", 100)
    features, orders = _window(4, n=2_000)
    for target in ("purchase", "orders"):
        one, two = (
            WindowModel(target=target, n_estimators=30, predict_jobs=jobs).fit(features, orders)
            for jobs in (1, 2)
        )
        lightgbm = (
            [two.model_]
            if target == "orders"
            else [c.estimator for c in two.model_.calibrated_classifiers_]
        )
        assert len(lightgbm) == (3 if ensemble and target != "orders" else 1)
        assert all(m.n_jobs == 2 and m.booster_.params["num_threads"] == 1 for m in lightgbm)
        np.testing.assert_array_equal(one.predict(features), two.predict(features))
        if target != "orders":
            np.testing.assert_array_equal(one.predict_proba(features), two.predict_proba(features))
    assert WindowModel().predict_jobs == 2 and WindowModel().n_jobs == 1


@pytest.mark.parametrize("target", ["purchase", "orders"])
def test_fits_above_fast_above_rows_take_half_the_rounds_at_twice_the_rate(target):
    """A big training set is fitted in n_estimators // 2 rounds at twice the learning rate with
    63 histogram bins; at or below `fast_above` rows the settings are used as given."""
    features, orders = _window(5, n=1_000)
    fast, plain = (
        WindowModel(target=target, n_estimators=30, fast_above=limit).fit(features, orders)
        for limit in (500, 1_000)
    )

    def boosters(model):
        if target == "orders":
            return [model.model_.booster_]
        return [c.estimator.booster_ for c in model.model_.calibrated_classifiers_]

    for booster in boosters(fast):
        assert booster.num_trees() == 15
        assert booster.params["learning_rate"] == 0.1 and booster.params["max_bin"] == 63
    for booster in boosters(plain):
        assert booster.num_trees() == 30
        assert booster.params["learning_rate"] == 0.05 and "max_bin" not in booster.params
    assert WindowModel().fast_above == 20_000
    never = WindowModel(target="orders", fast_above=None)._classifier(10**6).get_params()
    assert never["n_estimators"] == 200 and "max_bin" not in never
