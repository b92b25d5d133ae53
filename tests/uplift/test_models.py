"""Uplift estimators: the estimator contract, a planted effect to recover, and IPW weighting."""

import warnings

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.base import clone
from threadpoolctl import threadpool_limits

from promopilot.exceptions import InputError, NotFittedError
from promopilot.uplift.base import fold_strata
from promopilot.uplift.binned import BinnedUplift
from promopilot.uplift.calibration import CalibratedUplift
from promopilot.uplift.metrics import qini_auc_score, uplift_at_k
from promopilot.uplift.models import (
    BASE_PARAMS,
    MIN_PROPENSITY,
    ClassTransformation,
    DRLearner,
    EnsembleUplift,
    PooledXLearner,
    TLearner,
    XLearner,
    clip_propensity,
    linear_effect,
    spline_classifier,
)

CONTROL = "control"
# the default models' settings on one thread (quicker on a busy 2-core machine)
CLASSIFIER = LGBMClassifier(**{**BASE_PARAMS, "n_jobs": 1})
REGRESSOR = LGBMRegressor(**{**BASE_PARAMS, "n_jobs": 1})
# small models where only the mechanics are tested
SMALL = {"n_estimators": 10, "num_leaves": 4, "min_child_samples": 20, "n_jobs": 1, "verbose": -1}


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """The spline models' BLAS calls are tiny: extra threads only cost time."""
    with threadpool_limits(1):
        yield


def learners(random_state: int = 0, *, small: bool = False) -> dict:
    classifier = LGBMClassifier(**SMALL) if small else CLASSIFIER
    regressor = LGBMRegressor(**SMALL) if small else REGRESSOR
    kw = {"control": CONTROL, "outcome_model": classifier, "random_state": random_state}
    x = XLearner(effect_model=regressor, **kw)
    spline = TLearner(control=CONTROL, outcome_model=spline_classifier(), random_state=random_state)
    return {
        "t-learner": TLearner(**kw),
        "x-learner": x,
        "dr-learner": DRLearner(effect_model=regressor, **kw),
        "pooled-x": PooledXLearner(effect_model=regressor, **kw),
        "class-transformation": ClassTransformation(**kw),
        "t-spline": spline,
        "ensemble": EnsembleUplift(
            estimators=[("x", x), ("spline", spline)], random_state=random_state
        ),
    }


def planted(n: int, seed: int, arms=("a",)):
    """Uniformly random arms; base visit rate 0.2 (+0.1 where x1 > 0). Arm "a" adds 0.3 only
    where x0 > 0 (the persuadables), arm "b" adds 0.15 only where x0 <= 0."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["x0", "x1", "x2", "x3"])
    arm = rng.choice(np.array([CONTROL, *arms], dtype=object), n)
    effect = {"a": np.where(X["x0"] > 0, 0.3, 0.0), "b": np.where(X["x0"] <= 0, 0.15, 0.0)}
    tau = np.column_stack([effect[a] for a in sorted(arms)])
    base = 0.2 + 0.1 * (X["x1"] > 0)
    rate = base + sum(np.where(arm == a, effect[a], 0.0) for a in arms)
    y = (rng.random(n) < rate).astype(int)
    return X, y, arm, tau


# -- contract ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_arm_data():
    return planted(600, seed=1, arms=("a", "b"))


def contract_models() -> dict:
    """Every uplift estimator of promopilot.uplift, small: the learners and the calibrated
    wrapper."""
    models = learners(small=True)
    models["calibrated"] = CalibratedUplift(
        TLearner(control=CONTROL, outcome_model=LGBMClassifier(**SMALL)), cv=2, random_state=3
    )
    return models


@pytest.mark.parametrize("name", list(contract_models()))
def test_contract(name, two_arm_data):
    X, y, arm, _ = two_arm_data
    model = contract_models()[name]
    params = model.get_params(deep=False)
    # parameters round-trip through get_params/set_params and clone, and are stored unchanged
    fresh = clone(model)
    assert fresh.get_params(deep=False).keys() == params.keys()
    assert fresh.set_params(**params).get_params(deep=False) == params
    assert set(vars(model)) == set(params)
    for method in ("predict", "predict_outcome", "predict_distribution"):
        with pytest.raises(NotFittedError):
            getattr(model, method)(X)
    before = set(vars(model))
    model.set_params(n_bootstrap=2)
    assert model.fit(X, y, arm) is model
    learned = set(vars(model)) - before
    assert learned and all(attr.endswith("_") for attr in learned), learned
    assert {k: v for k, v in model.get_params(deep=False).items() if k != "n_bootstrap"} == {
        k: v for k, v in params.items() if k != "n_bootstrap"
    }
    assert list(model.treatments_) == ["a", "b"]
    assert model.predict(X).shape == (len(X), 2)
    assert model.predict_outcome(X).shape == (len(X), 3)
    assert model.predict_distribution(X).shape == (2, len(X), 2)
    uplift = model.predict(X.iloc[:50])
    np.testing.assert_allclose(
        model.predict_outcome(X.iloc[:50])[:, 1:] - model.predict_outcome(X.iloc[:50])[:, :1],
        uplift,
        atol=1e-9,
    )
    # a refit of a clone with the same seed gives the same uplift; a numpy X works too
    again = clone(model).fit(X.to_numpy(), y, arm).predict(X.to_numpy()[:50])
    np.testing.assert_allclose(again, uplift)


@pytest.mark.parametrize("name", sorted(contract_models()))
def test_columns_are_read_by_name_not_position(two_arm_data, name):
    """A frame with its columns in another order, or with one more, gives the same uplift."""
    X, y, arm, _ = two_arm_data
    model = clone(contract_models()[name]).fit(X, y, arm)
    uplift = model.predict(X.iloc[:40])
    shuffled = X.iloc[:40, ::-1].assign(extra=1.0)
    np.testing.assert_allclose(model.predict(shuffled), uplift)
    with pytest.raises(InputError, match="lacks 1 of the features"):
        model.predict(X.iloc[:40, 1:])


def test_missing_labels_and_text_features_are_refused(two_arm_data):
    X, y, arm, _ = two_arm_data
    holes = y.astype(float).copy()
    holes[:3] = np.nan
    for model in (TLearner(control=CONTROL), CalibratedUplift(TLearner(control=CONTROL), cv=2)):
        with pytest.raises(InputError, match="y has 3 missing values: drop"):
            model.fit(X, holes, arm)
    with pytest.raises(InputError, match="text in feature column city: encode it"):
        TLearner(control=CONTROL).fit(X.assign(city="上海").astype({"city": "string"}), y, arm)
    gaps = arm.astype(object).copy()
    gaps[0] = None
    with pytest.raises(InputError, match="treatment has missing values"):
        TLearner(control=CONTROL).fit(X, y, gaps)


def test_an_outcome_in_words_is_named_not_called_missing(two_arm_data):
    """y of "yes"/"no" was read as all missing ("y has 800 missing value(s)"), and
    BinnedUplift and CalibratedUplift stopped on numpy's "could not convert string to float"."""
    X, y, arm, _ = two_arm_data
    words = np.where(y > 0, "yes", "no")
    for model in (
        TLearner(control=CONTROL),
        CalibratedUplift(TLearner(control=CONTROL), cv=2),
        BinnedUplift("x0", control=CONTROL),
    ):
        with pytest.raises(InputError, match=r"y must hold numbers .*found '(yes|no)'"):
            model.fit(X, words, arm)


def test_bad_input_raises(two_arm_data):
    X, y, arm, _ = two_arm_data
    with pytest.raises(InputError, match="no control rows"):
        TLearner(control="nobody").fit(X, y, arm)
    with pytest.raises(InputError, match="no treated rows"):
        TLearner(control=CONTROL).fit(X, y, np.full(len(y), CONTROL, dtype=object))
    with pytest.raises(InputError, match="same number of rows"):
        TLearner(control=CONTROL).fit(X, y[:-1], arm)
    with pytest.raises(InputError, match="features"):
        TLearner(control=CONTROL, outcome_model=CLASSIFIER).fit(X, y, arm).predict(X.iloc[:, :3])
    with pytest.raises(InputError, match="binary"):
        ClassTransformation(control=CONTROL).fit(X, y * 2.5, arm)
    with pytest.raises(NotFittedError, match="n_bootstrap"):
        TLearner(control=CONTROL, outcome_model=CLASSIFIER).fit(X, y, arm).predict_distribution(X)


# -- a planted effect -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def planted_fits():
    X, y, arm, _ = planted(4500, seed=2, arms=("a", "b"))
    test = planted(4500, seed=3, arms=("a", "b"))
    return {name: model.fit(X, y, arm) for name, model in learners().items()}, test


@pytest.mark.parametrize("name", list(learners()))
def test_ranks_the_planted_persuadables_first(name, planted_fits):
    fits, (X, y, arm, tau) = planted_fits
    uplift = fits[name].predict(X)[:, 0]  # offer "a", effect 0.3 where x0 > 0
    persuadable = tau[:, 0] > 0
    # the persuadables (half of everyone) get clearly higher scores
    top = np.argsort(-uplift)[: int(0.3 * len(uplift))]
    assert persuadable[top].mean() > 0.9
    assert uplift[persuadable].mean() - uplift[~persuadable].mean() > 0.1
    # scored against the control group: true uplift@30% is 0.3 (the top 30% are all
    # persuadables); the true effect's ranking on this sample is the yardstick for noise
    rows = arm != "b"
    y, uplift, tau, t = y[rows], uplift[rows], tau[rows, 0], (arm[rows] == "a").astype(int)
    oracle_at_k = uplift_at_k(y, tau, t, strategy="by_group", k=0.3)
    assert abs(oracle_at_k - 0.3) < 0.06
    assert abs(uplift_at_k(y, uplift, t, strategy="by_group", k=0.3) - oracle_at_k) < 0.05
    # the Qini coefficient is normalized by the ranking that knows every outcome, so even the
    # true effect's ranking scores only about 0.12 here; a random ranking scores about 0
    oracle_qini = qini_auc_score(y, tau, t)
    assert oracle_qini > 0.08
    assert qini_auc_score(y, uplift, t) > 0.75 * oracle_qini


@pytest.mark.parametrize("name", list(learners()))
def test_each_arm_finds_its_own_persuadables(name, planted_fits):
    fits, (X, _, _, tau) = planted_fits
    uplift = fits[name].predict(X)
    best = np.argmax(np.column_stack([np.zeros(len(X)), uplift]), axis=1)
    truth = np.where(tau[:, 0] > 0, 1, 2)  # "a" where x0 > 0, else "b"
    assert (best == truth).mean() > 0.8  # the smooth spline model blurs the step at x0 = 0


# -- inverse propensity weighting -------------------------------------------------------------
def logged(n: int, seed: int):
    """A campaign that sent more offers to customers with a high hidden score s, which also
    raises the visit rate; s is not among the model's features, but the logged propensity
    of each row's arm is known. The offer adds 0.1, or 0.2 where x0 > 0."""
    rng = np.random.default_rng(seed)
    s = rng.normal(size=n)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["x0", "x1", "x2"])
    p_offer = np.clip(1 / (1 + np.exp(-1.5 * s)), 0.1, 0.9)
    offered = rng.random(n) < p_offer
    arm = np.where(offered, "offer", CONTROL).astype(object)
    effect = 0.1 + 0.1 * (X["x0"] > 0)
    rate = 1 / (1 + np.exp(-(-1.5 + 1.2 * s))) + offered * effect
    y = (rng.random(n) < rate).astype(int)
    propensity = np.where(offered, p_offer, 1 - p_offer)
    return X, y, arm, propensity, float(effect.mean())


@pytest.mark.parametrize(
    "name", ["t-learner", "x-learner", "dr-learner", "class-transformation", "t-spline", "pooled-x"]
)
def test_logged_propensity_removes_the_selection_bias(name):
    X, y, arm, propensity, true_effect = logged(4000, seed=6)
    model = learners()[name]
    naive = clone(model).fit(X, y, arm).predict(X)[:, 0].mean()
    weighted = clone(model).fit(X, y, arm, propensity=propensity).predict(X)[:, 0].mean()
    # the naive estimate credits the offer with the visits of high-s customers
    assert abs(weighted - true_effect) < 0.05
    assert abs(naive - true_effect) > abs(weighted - true_effect) + 0.1


# -- offers that share their persuadables -----------------------------------------------------
def shared(n_per_arm: int, seed: int):
    """Four offers whose effects grow with the same trait x0, each at its own level (0.04 to
    0.16) and strength (as much per standard deviation of x0), a few hundred customers per
    arm."""
    rng = np.random.default_rng(seed)
    arms = ["a", "b", "c", "d"]
    n = n_per_arm * (len(arms) + 1)
    X = pd.DataFrame(rng.normal(size=(n, 5)), columns=[f"x{i}" for i in range(5)])
    arm = rng.choice(np.array([CONTROL, *arms], dtype=object), n)
    strength = dict(zip(arms, [0.04, 0.08, 0.12, 0.16], strict=True))
    tau = np.column_stack([np.clip(s * (1 + X["x0"]), 0, None) for s in strength.values()])
    effect = sum(np.where(arm == a, tau[:, j], 0.0) for j, a in enumerate(arms))
    y = (rng.random(n) < 0.15 + 0.1 * (X["x1"] > 0) + effect).astype(int)
    return X, y, arm, tau


def test_pooling_learns_a_shared_effect_from_every_offer():
    """With 400 customers per arm, one effect model per offer sees 400 treated rows; the pooled
    learner sees all 1,600, so it ranks every offer's persuadables better (averaged over seeds,
    and in each seed). The LightGBM models learn at a higher rate with fewer trees than the
    defaults (a quicker test; the same gains: about 0.23 on average either way)."""
    from scipy.stats import spearmanr

    quick = {**BASE_PARAMS, "n_estimators": 60, "learning_rate": 0.1}
    columns = [f"x{i}" for i in range(5)]
    gain = []
    for seed in range(3):
        X, y, arm, tau = shared(400, seed)
        kw = {"control": CONTROL, "outcome_model": LGBMClassifier(**quick), "random_state": 0}
        pooled = PooledXLearner(effect_model=linear_effect(columns=columns), **kw).fit(X, y, arm)
        alone = XLearner(effect_model=LGBMRegressor(**quick), **kw).fit(X, y, arm)
        assert list(pooled.treatments_) == ["a", "b", "c", "d"]
        rho = [
            [spearmanr(m.predict(X)[:, j], tau[:, j])[0] for j in range(4)] for m in (pooled, alone)
        ]
        gain.append(np.mean(rho[0]) - np.mean(rho[1]))
        assert np.mean(rho[0]) > 0.6  # the pooled ranking follows the shared trait
        # each offer keeps its own level: the average effects are ordered as planted
        means = pooled.predict(X).mean(axis=0)
        assert means[3] > means[0]
    assert np.mean(gain) > 0.15
    assert all(g > 0 for g in gain)


def test_linear_effect_reads_only_its_columns_and_the_arms():
    X, y, arm, _ = shared(300, seed=9)
    # x4 changed: neither the outcome models nor the effect model read it
    bent = X.assign(x4=np.exp(2 * X["x4"]))
    fit = PooledXLearner(
        control=CONTROL,
        outcome_model=spline_classifier(columns=["x0", "x1"]),
        effect_model=linear_effect(columns=["x0", "x1"]),
    )
    np.testing.assert_allclose(
        clone(fit).fit(X, y, arm).predict(X), clone(fit).fit(bent, y, arm).predict(bent), atol=1e-9
    )
    every = fit.set_params(effect_model=linear_effect())
    assert (
        np.abs(
            clone(every).fit(X, y, arm).predict(X) - clone(every).fit(bent, y, arm).predict(bent)
        ).max()
        > 1e-3
    )


def test_logged_propensities_are_clipped_at_one_named_floor(two_arm_data):
    """MIN_PROPENSITY, for every estimator: an exploration offer's 0.005 (ten offers, 5%
    explored) keeps its exact weight; something that is not a probability is an error."""
    np.testing.assert_array_equal(
        clip_propensity([0.0, MIN_PROPENSITY / 2, 0.005, 0.5, 1.0]),
        [MIN_PROPENSITY, MIN_PROPENSITY, 0.005, 0.5, 1.0],
    )
    X, y, arm, _ = two_arm_data
    for bad in (np.nan, 1.5, -0.1):
        propensity = np.full(len(y), 1 / 3)
        propensity[7] = bad
        for model in (TLearner(control=CONTROL), CalibratedUplift(TLearner(control=CONTROL))):
            with pytest.raises(InputError, match="propensity"):
                model.fit(X, y, arm, propensity=propensity)


def test_fold_strata_merge_groups_too_small_to_spread_over_the_folds():
    arm = np.array(["c"] * 10 + ["a"] * 6 + ["b"] * 2, dtype=object)
    y = np.array([1] * 5 + [0] * 5 + [1] + [0] * 5 + [0, 1])
    strata = fold_strata(arm, y, 3)
    assert set(strata[:5]) == {"c|True"} and set(strata[5:10]) == {"c|False"}
    assert set(strata[10:16]) == {"a"}
    assert set(strata[16:]) == {"|rare|"}


def package_defaults() -> dict:
    """Every learner with the package's own default models (LightGBM with row sampling)."""
    return {
        "t-learner": TLearner(),
        "x-learner": XLearner(),
        "pooled-x": PooledXLearner(),
        "dr-learner": DRLearner(),
        "dr-linear": DRLearner(effect_model=linear_effect()),
        "ensemble": EnsembleUplift(estimators=[("x", XLearner()), ("t", TLearner())]),
    }


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "numeric"])
@pytest.mark.parametrize("name", list(package_defaults()))
def test_an_arm_of_one_row_is_a_constant_model(name, binary):
    """An offer one customer got: its outcome is that customer's, a constant (as an arm whose
    rows all bought, or none did, always was), not LightGBM's fatal error on one row, nor
    numpy's empty-slice warnings and NaN from a cross-fitting fold without the arm."""
    rng = np.random.default_rng(4)
    n = 300
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["x0", "x1", "x2"])
    arm = np.array([CONTROL] * (n - 1) + ["a"], dtype=object)
    y = (rng.random(n) < 0.3).astype(int) if binary else rng.gamma(2.0, 10.0, n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = clone(package_defaults()[name]).set_params(n_bootstrap=2).fit(X, y, arm)
        uplift, outcome = model.predict(X), model.predict_outcome(X)
        draws = model.predict_distribution(X)
    assert uplift.shape == (n, 1) and np.isfinite(uplift).all() and np.isfinite(draws).all()
    if name == "t-learner":
        np.testing.assert_allclose(outcome[:, 1], y[-1])


def test_a_classifier_for_a_numeric_outcome_is_one_clear_error():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x0": rng.normal(size=200)})
    arm = np.where(rng.random(200) < 0.5, CONTROL, "a")
    spend = rng.gamma(2.0, 10.0, 200)  # revenue, not bought/not bought
    with pytest.raises(InputError, match=r"LGBMClassifier is a classifier.*pass a regressor"):
        TLearner(control=CONTROL, outcome_model=LGBMClassifier(**SMALL)).fit(X, spend, arm)
    # a regressor, or the default, fits the same outcome
    TLearner(control=CONTROL, outcome_model=LGBMRegressor(**SMALL)).fit(X, spend, arm)
