"""Choose an uplift model by cross-validated Qini on past campaign data."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from promopilot.exceptions import InputError
from promopilot.uplift.base import fold_strata
from promopilot.uplift.metrics import per_arm_scores


def select_model(
    candidates: dict,
    X: pd.DataFrame,
    y,
    treatment,
    *,
    propensity=None,
    cv: int = 3,
    random_state: int = 0,
    score: Callable[[np.ndarray, np.ndarray, np.ndarray, list], float] | None = None,
    default: str | None = None,
    min_se: float = 2.0,
) -> tuple[str, pd.DataFrame]:
    """Fit every candidate on K-1 folds, score it on the held-out fold, average.

    The default score is the mean Qini coefficient over the treatments (each against control);
    `score(y, uplift, treatment, arms)` may replace it (e.g. expected profit). Folds are
    stratified on (treatment, y). Returns the best name and a table of fold scores.

    With a `default` candidate, the best one replaces it only when it is clearly better: its
    mean fold score is above the default's by more than `min_se` standard errors of their
    paired fold differences (small campaigns give noisy fold scores, and a pick on noise
    costs more than it gains)."""
    if not candidates:
        raise InputError("select_model needs at least one candidate: {name: estimator}")
    if default is not None and default not in candidates:
        raise InputError(
            f"default model {default!r} is not a candidate: expected one of "
            f"{', '.join(map(str, candidates))}"
        )
    if not isinstance(X, pd.DataFrame):  # the folds are taken by position
        X = pd.DataFrame(np.asarray(X))
    X = X.reset_index(drop=True)
    y = np.asarray(y)
    if not len(X) == len(y) == len(treatment):
        raise InputError("X, y and treatment must have the same number of rows")
    treatment = np.asarray(treatment, dtype=object)
    strata = fold_strata(treatment, y, cv)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    rows = []
    for fold, (train, test) in enumerate(folds.split(np.zeros(len(y)), strata)):
        for name, model in candidates.items():
            fitted = clone(model).fit(
                X.iloc[train],
                y[train],
                treatment[train],
                propensity=None if propensity is None else np.asarray(propensity)[train],
            )
            uplift = fitted.predict(X.iloc[test])
            if score is not None:
                value = score(y[test], uplift, treatment[test], fitted.treatments_)
            else:
                arms = per_arm_scores(
                    y[test], uplift, treatment[test], fitted.treatments_, fitted.control
                )
                value = float(np.mean([a["qini"] for a in arms])) if arms else float("nan")
            rows.append({"model": name, "fold": fold, "score": value})
    table = pd.DataFrame(rows)
    means = table.groupby("model")["score"].mean().sort_values(ascending=False)
    best = str(means.index[0])
    if default is None or best == default:
        return best, table
    folds_ = table.pivot(index="fold", columns="model", values="score")
    diff = (folds_[best] - folds_[default]).to_numpy()
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else np.inf
    return (best if diff.mean() > min_se * se else default), table
