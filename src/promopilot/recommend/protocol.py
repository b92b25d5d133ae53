"""The Microsoft Recommenders protocol with tuned models (:func:`protocol_benchmark`, what the
benchmarks run), and the validation grids each model's hyperparameters are tuned over."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from promopilot.exceptions import NotEnoughDataError
from promopilot.recommend.base import Recommender
from promopilot.recommend.evaluate import evaluate, stratified_split, tune
from promopilot.recommend.registry import MODEL_NAMES, make_model

#: validation grids: hyperparameters are picked on a split of the training data only
GRIDS: dict[str, list[dict]] = {
    "popularity": [{"half_life_days": None}, {"half_life_days": 30.0}],
    "itemknn": [{"n_neighbors": n, "shrinkage": s} for n in (50, 200) for s in (0.0, 20.0)],
    "userknn": [{"n_neighbors": n} for n in (30, 100)],
    "rp3beta": [{"beta": b, "alpha": a} for b in (0.3, 0.6) for a in (0.8, 1.0)],
    "session": [{"window": w} for w in (5, 20)],
    # EASE, and its denoising form DLAE (dropout penalty instead of a zero diagonal)
    "ease": [{"l2": v} for v in (300.0, 800.0, 2000.0)]
    + [{"l2": v, "dropout": 0.5, "zero_diagonal": False} for v in (100.0, 300.0, 800.0)],
    # DLAE on customers and their visits (runs of interactions at most a few minutes apart)
    "visitease": [
        {"visit_weight": w, "visit_gap_minutes": g} for w in (1.0, 2.0) for g in (1.0, 3.0, 30.0)
    ],
    # implicit's ALS wants a strong ridge once the confidence scale grows (regularization
    # about five times alpha did best on MovieLens validation splits)
    "als": [{"factors": 32, "regularization": 0.05, "alpha": 5.0}]
    + [
        {"factors": f, "regularization": r, "alpha": a, "iterations": 20}
        for f in (64, 128)
        for r, a in ((20.0, 3.0), (50.0, 10.0), (100.0, 20.0))
    ],
    "bpr": [
        {"factors": 64, "learning_rate": 0.01, "regularization": r, "iterations": 100}
        for r in (0.05, 0.1)
    ],
}


#: validation splits the protocol's hybrid learns its blend on (each holds out 10% per product)
HYBRID_FOLDS = 4


def _maker(name: str) -> Callable[..., Recommender]:
    def build(**params) -> Recommender:
        return make_model(name, **params)

    return build


def protocol_benchmark(
    interactions: pd.DataFrame,
    products: pd.DataFrame | None = None,
    *,
    k: int = 10,
    seed: int = 42,
    names: Iterable[str] | None = None,
    folds: int = 2,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """The Microsoft Recommenders protocol: a 75/25 random split stratified per product
    (seed 42), every held-out product relevant, seen products excluded, top-`k`. Each
    model's hyperparameters are tuned on validation splits of the training part only (the
    mean over `folds` splits with different seeds); the hybrid combines the tuned models.
    Returns one row per model."""
    tell = progress or (lambda _: None)
    data = interactions.assign(
        customer_id=interactions["customer_id"].astype(str),
        product_id=interactions["product_id"].astype(str),
    )
    train, test = stratified_split(data, ratio=0.75, seed=seed)
    names = (
        list(names)
        if names is not None
        # every model but content (MovieLens-like data have no text) and the [deep] extra
        else [n for n in MODEL_NAMES if n not in ("content", "sasrec", "lightgcn")]
    )
    tuned: dict[str, Recommender] = {}
    rows = []
    for name in names:
        tell(name)
        params: dict = {}
        if name == "hybrid":
            components = [(n, m) for n, m in tuned.items() if n not in ("bpr",)]
            if "session" in tuned and tuned["session"].get_params()["window"] != 1:
                # products had right before or after each other: a candidate the blend may
                # weigh (it added to ALS and EASE on validation splits of the training part)
                components.append(("adjacent", make_model("session", window=1)))
            model = make_model(
                "hybrid",
                models=components or None,
                validation="stratified",
                validation_folds=HYBRID_FOLDS,
                random_state=0,
            )
        try:
            if name != "hybrid" and name in GRIDS:
                params, _ = tune(_maker(name), GRIDS[name], train, k=k, seed=seed, folds=folds)
            if name != "hybrid":
                model = make_model(name, **params)
            scores = evaluate(model, train, test, k=k, products=products)
        except NotEnoughDataError as why:
            rows.append({"model": name, "params": str(why)})
            continue
        text = ", ".join(f"{a}={b}" for a, b in params.items())
        if name == "hybrid":  # what it uses, and the out-of-fold validation that chose it
            judged = ", ".join(f"{n} {v:.4f}" for n, v in model.stop_ndcg_.items())
            text = f"{model.summary()} (validation nDCG@10 out of fold: {judged})"
        else:
            tuned[name] = make_model(name, **params)
        rows.append({"model": name, "params": text, **scores})
    return pd.DataFrame(rows)
