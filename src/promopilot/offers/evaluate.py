"""Evaluate uplift models on held-out campaign data, per offer against the control group.

Customers are split by a hash of their id (:func:`~promopilot.offers.randomization.
hashed_uniform` with the key "holdout", 48 bits), so the split is the same on every run and
for every model. :func:`evaluate_campaign_models` does it all for a store: training data from
its past campaigns, the plan's candidate models and a class-transformation baseline, scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from promopilot.campaigns.history import (
    CONTROL,
    MIN_ARM_ROWS,
    CampaignData,
    FeatureFn,
    campaign_training_data,
    thin_arms_note,
    without_thin_arms,
)
from promopilot.config import Settings, load_settings
from promopilot.data.store import Store
from promopilot.data.words import counted
from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.offers.inputs import default_feature_fn, model_matrix
from promopilot.offers.randomization import hashed_uniform
from promopilot.offers.response import DEFAULT_MODEL, campaign_candidates, response_candidates
from promopilot.uplift.metrics import qini_auc_score, qini_curve, uplift_at_k, uplift_auc_score
from promopilot.uplift.models import ClassTransformation

HOLDOUT_KEY = "holdout"
HOLDOUT_BITS = 48
BASELINE = "class-transformation"
EVALUATED_MODELS = (DEFAULT_MODEL, "x-learner", "t-learner", "dr-learner", BASELINE)
"""The models `promopilot uplift` scores: the plan's default first, two other learners of
the plan's candidates, and the class-transformation baseline."""


BOOTSTRAP = 200
"""Resamples behind each held-out score's interval."""


def score_intervals(
    y: np.ndarray,
    uplift: np.ndarray,
    treated: np.ndarray,
    scorers: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], float]],
    *,
    confidence: float,
    n_boot: int = BOOTSTRAP,
    random_state: int = 0,
) -> dict[str, tuple[float, float]]:
    """A percentile bootstrap interval at `confidence` of each held-out score in `scorers`
    (name -> ``score(y, uplift, treated)``), all from the same resamples: the treated and the
    control customers each resampled with replacement (so every resample keeps both groups'
    sizes). A resample where a score is not defined (NaN) is left out of that score's
    interval; a score defined in none has (NaN, NaN). On a few dozen customers the intervals
    are wide: a Qini of 0.2 can be chance."""
    rng = np.random.default_rng(random_state)
    # in the order of the uplift, ties as given: a resample's rows, sorted, are in that order
    # too (the scores' own sort then finds it sorted), and customers the model ties keep the
    # order the score of all of them had, not treated-first
    order = np.argsort(uplift, kind="stable")
    y, uplift, treated = y[order], uplift[order], treated[order]
    groups = [np.flatnonzero(treated == 1), np.flatnonzero(treated == 0)]
    scores = np.empty((len(scorers), n_boot))
    for b in range(n_boot):  # one vectorized score per resample and scorer
        rows = np.sort(np.concatenate([rng.choice(g, size=len(g), replace=True) for g in groups]))
        yb, ub, tb = y[rows], uplift[rows], treated[rows]
        for i, scorer in enumerate(scorers.values()):
            scores[i, b] = scorer(yb, ub, tb)
    tail = (1 - confidence) / 2
    intervals = {}
    for name, row in zip(scorers, scores, strict=True):
        row = row[np.isfinite(row)]
        low, high = np.quantile(row, [tail, 1 - tail]) if len(row) else (np.nan, np.nan)
        intervals[name] = (float(low), float(high))
    return intervals


def qini_interval(
    y: np.ndarray,
    uplift: np.ndarray,
    treated: np.ndarray,
    *,
    confidence: float,
    n_boot: int = BOOTSTRAP,
    random_state: int = 0,
) -> tuple[float, float]:
    """The bootstrap interval of the Qini coefficient alone (:func:`score_intervals`)."""
    return score_intervals(
        y,
        uplift,
        treated,
        {"qini": qini_auc_score},
        confidence=confidence,
        n_boot=n_boot,
        random_state=random_state,
    )["qini"]


def held_out_scores(k: float) -> dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], float]]:
    """The scores `promopilot uplift` reports per offer, by column name: the Qini coefficient,
    the AUUC and uplift@k (NaN where the top k holds no treated or no control customer)."""

    def at_k(y, u, t) -> float:
        return uplift_at_k(y, u, t, strategy="overall", k=k, undefined=np.nan)

    return {"qini": qini_auc_score, "auuc": uplift_auc_score, f"uplift_at_{int(k * 100)}": at_k}


MIN_HELD_OUT = 10  # held-out customers per offer (and in the control group) for a Qini score


@dataclass
class UpliftEvaluation:
    # model, offer, n_treated, n_control, then each score of held_out_scores(k) with its
    # bootstrap interval: qini, qini_low, qini_high, auuc, auuc_low, ..., uplift_at_30_high
    table: pd.DataFrame
    curves: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    k: float = 0.3
    n_train: int = 0
    n_test: int = 0
    left_out: tuple[str, ...] = ()  # offers too few customers got to be learned
    confidence: float = 0.9  # of the Qini intervals
    # offers learned from but not scored: fewer than MIN_HELD_OUT held-out customers got them
    unscored: tuple[str, ...] = ()
    # (model, offer) pairs whose model gave every held-out customer the same uplift: it ranks
    # nobody, so its scores are not defined (they would read as an exact 0 [0, 0])
    flat: tuple[tuple[str, str], ...] = ()

    def note(self) -> str:
        """A line naming the offers left out and the models that rank nobody, "" when none."""
        lines = [thin_arms_note(self.left_out, "not scored")]
        if self.flat:
            by_model: dict[str, list[str]] = {}
            for model, offer in self.flat:
                by_model.setdefault(model, []).append(offer)
            pairs = "; ".join(f"{m} on {', '.join(o)}" for m, o in by_model.items())
            lines.append(
                f"no score for {pairs}: the model gives every held-out customer the same "
                "uplift, so it ranks nobody (too little data to tell customers apart)"
            )
        return "\n".join(line for line in lines if line)


def evaluate_models(
    data: CampaignData,
    models: dict,
    *,
    k: float = 0.3,
    share: float = 0.3,
    confidence: float = 0.9,
    progress: Callable[[str], None] | None = None,
) -> UpliftEvaluation:
    """Fit each model on the training customers and score every offer on the held-out ones
    (`share` of the customers), each score (:func:`held_out_scores`) with its bootstrap
    interval at `confidence` (:func:`score_intervals`). Offers too few customers got are
    left out (named in the result); a control group that small is an error
    (:class:`NotEnoughDataError`).
    `progress` is told each model's name before it is fitted."""
    tell = progress or (lambda _: None)
    data, left_out = without_thin_arms(data)
    n_control = int((data.treatment == CONTROL).sum())
    if n_control < MIN_ARM_ROWS:
        raise NotEnoughDataError(
            f"the past campaigns' control group has {counted(n_control, 'customer')}: at least "
            f"{MIN_ARM_ROWS} are needed to learn what an offer changes"
        )
    test = hashed_uniform(data.customer_id, HOLDOUT_KEY, bits=HOLDOUT_BITS) < share
    X = model_matrix(data.X)
    scorers = held_out_scores(k)
    rows = []
    curves = {}
    unscored: list[str] = []
    flat: list[tuple[str, str]] = []
    for name, model in models.items():
        tell(name)
        model.fit(
            X[~test], data.bought[~test], data.treatment[~test], propensity=data.propensity[~test]
        )
        uplift = np.asarray(model.predict(X[test]), dtype=float)
        if uplift.ndim == 1:
            uplift = uplift[:, None]
        y_test, arm_test = data.bought[test], data.treatment[test]
        for j, offer in enumerate(model.treatments_):
            mask = (arm_test == offer) | (arm_test == CONTROL)
            y, t, u = y_test[mask], (arm_test[mask] == offer).astype(int), uplift[mask, j]
            if t.sum() < MIN_HELD_OUT or (1 - t).sum() < MIN_HELD_OUT:
                unscored.append(offer)
                continue
            row = {
                "model": name,
                "offer": offer,
                "n_treated": int(t.sum()),
                "n_control": int((1 - t).sum()),
            }
            if np.ptp(u) > 0:
                intervals = score_intervals(y, u, t, scorers, confidence=confidence)
                values = {score: float(scorer(y, u, t)) for score, scorer in scorers.items()}
            else:  # one uplift for everyone: no ranking to score
                flat.append((name, offer))
                intervals = dict.fromkeys(scorers, (np.nan, np.nan))
                values = dict.fromkeys(scorers, np.nan)
            for score in scorers:
                row[score] = values[score]
                row[f"{score}_low"], row[f"{score}_high"] = intervals[score]
            rows.append(row)
            curves[(name, offer)] = tuple(np.asarray(a, dtype=float) for a in qini_curve(y, u, t))
    return UpliftEvaluation(
        pd.DataFrame(rows),
        curves,
        k,
        int((~test).sum()),
        int(test.sum()),
        left_out,
        confidence,
        tuple(dict.fromkeys(unscored)),
        tuple(flat),
    )


@threadpool_limits.wrap(limits=1, user_api="blas")  # narrow matrices: see build_plan
def evaluate_campaign_models(
    store: Store,
    settings: Settings | None = None,
    *,
    models: tuple[str, ...] | list[str] = EVALUATED_MODELS,
    k: float = 0.3,
    share: float = 0.3,
    feature_fn: FeatureFn | None = None,
    progress: Callable[[str], None] | None = None,
) -> UpliftEvaluation:
    """Score uplift models on the store's past campaigns: training data from every campaign
    (features as of its send date, outcomes in ``settings.campaign_window_days``), the named
    `models` (the plan's candidates, see :func:`~promopilot.offers.response.
    response_candidates`, or "class-transformation") seeded with ``settings.seed``, fitted on
    the training customers and scored per offer on the held-out `share`. `progress` is told
    each step ("past campaigns", then each model's name)."""
    settings = settings or load_settings()
    known = [*response_candidates(settings.seed), BASELINE]
    unknown = [name for name in models if name not in known]
    if unknown:
        raise InputError(f"unknown model {unknown[0]!r}: expected one of {', '.join(known)}")
    if progress is not None:
        progress("past campaigns")
    data = campaign_training_data(
        store, feature_fn or default_feature_fn, window_days=settings.campaign_window_days
    )
    candidates = campaign_candidates(data, settings.seed)
    candidates[BASELINE] = ClassTransformation(control=CONTROL, random_state=settings.seed)
    chosen = {name: candidates[name] for name in models}
    return evaluate_models(
        data, chosen, k=k, share=share, confidence=settings.confidence, progress=progress
    )
