"""Choosing an uplift model by cross-validated Qini, keeping a default unless clearly beaten."""

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier
from sklearn.dummy import DummyClassifier

from promopilot.exceptions import InputError
from promopilot.uplift.models import TLearner
from promopilot.uplift.selection import select_model

PARAMS = {
    "n_estimators": 40,
    "num_leaves": 4,
    "learning_rate": 0.1,
    "min_child_samples": 40,
    "n_jobs": 1,
    "verbose": -1,
}


def planted(n: int = 3000, seed: int = 0):
    """The offer adds 0.3 to the purchase rate where x0 > 0, nothing elsewhere."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["x0", "x1", "x2"])
    arm = rng.choice(np.array(["control", "a"], dtype=object), n)
    y = (rng.random(n) < 0.2 + np.where((arm == "a") & (X["x0"] > 0), 0.3, 0.0)).astype(int)
    return X, y, arm


def candidates():
    sees = TLearner(outcome_model=LGBMClassifier(**PARAMS))
    return {
        "sees": sees,
        "same": TLearner(outcome_model=LGBMClassifier(**PARAMS)),
        "blind": TLearner(outcome_model=DummyClassifier(strategy="prior")),
    }


def test_the_best_cross_validated_qini_wins_and_every_fold_is_scored():
    X, y, arm = planted()
    name, table = select_model(candidates(), X, y, arm, cv=3)
    assert name in {"sees", "same"}  # identical models tie; the blind one ranks nobody
    assert set(table["model"]) == {"sees", "same", "blind"}
    assert len(table) == 9
    means = table.groupby("model")["score"].mean()
    assert means["sees"] == means["same"]
    assert means["blind"] < means["sees"] - 0.05


def test_a_default_is_kept_unless_clearly_beaten():
    X, y, arm = planted()
    # a tie (same model under another name) keeps the default
    assert select_model(candidates(), X, y, arm, cv=3, default="same")[0] == "same"
    # a model that ranks nobody is beaten clearly, in every fold
    assert select_model(candidates(), X, y, arm, cv=3, default="blind")[0] in {"sees", "same"}


def test_bad_arguments_are_named_and_an_array_is_read_like_a_table():
    """A default that is not a candidate was a bare KeyError; an array X stopped on
    "'numpy.ndarray' object has no attribute 'iloc'"; a y one row short on scikit-learn's
    "Input contains NaN"."""
    X, y, arm = planted(600)
    with pytest.raises(InputError, match=r"default model 'nope' is not a candidate: .*sees"):
        select_model(candidates(), X, y, arm, default="nope")
    with pytest.raises(InputError, match="at least one candidate"):
        select_model({}, X, y, arm)
    with pytest.raises(InputError, match="same number of rows"):
        select_model(candidates(), X, y[:-1], arm)
    best, table = select_model(candidates(), X.to_numpy(), y, arm, cv=2)
    assert (best, table.to_dict()) == (lambda r: (r[0], r[1].to_dict()))(
        select_model(candidates(), X.set_axis([0, 1, 2], axis=1), y, arm, cv=2)
    )
