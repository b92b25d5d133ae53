"""Model quality for the dashboard: the served recommender on a held-out recent period, and
the plan's uplift model on held-out campaign customers (Qini).

Both are kept in the store (``data.queries.computed``) under a key of everything they are
computed from: the store's data (:func:`~promopilot.data.queries.computed.fingerprint`), the
settings, the store's time zone and date format, the arguments and the code: promopilot's
version, a digest of its source files and the versions of the libraries it fits with
(:func:`code_digest`), so an upgrade, or an edited checkout, computes them anew. A
server started again, or reloaded, on the same data shows them without computing them again
(5.8 s for the Hillstrom store, most of it the uplift model's fit and its bootstrap
intervals); any change of the data computes them anew."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from promopilot import __version__
from promopilot.config import load_settings
from promopilot.data.queries import computed
from promopilot.data.queries import recommend as recommend_queries
from promopilot.data.queries import serve as queries
from promopilot.data.store import Store
from promopilot.exceptions import PromopilotError
from promopilot.profile.kept_sentiment import files_digest, library_versions
from promopilot.recommend.evaluate import catalog_coverage, ranking_metrics
from promopilot.serve.state import fit_recommender

#: the encoding of what is kept; a change of it computes everything anew
KEPT_FORMAT = 3  # 2: scored on products only (no postage lines); 3: nothing to recommend


def kept(store: Store, name: str, compute: Callable[[], Any], **arguments: Any) -> Any:
    """``compute()``'s result for `store`, as kept in it for the same data, settings and
    `arguments`, or computed (and kept, when the store is writable)."""
    parts = (
        f"format {KEPT_FORMAT}",
        f"promopilot {__version__} {_code()}",
        repr(sorted(arguments.items())),
        repr(load_settings()),
        f"{store.timezone} {store.date_format!r}",
        computed.fingerprint(store),
    )
    key = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    text = computed.read(store, name, key)
    if text is not None:
        return _decode(json.loads(text))
    value = compute()
    if not store.read_only:
        computed.write(store, name, key, json.dumps(_encode(value), default=_plain))
    return value


#: the libraries whose versions can change the figures
_LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "lightgbm", "implicit", "duckdb")


def code_digest(package: Path) -> str:
    """A digest of every source and data file under `package` (its path and bytes, in path
    order; caches aside) and of the versions of :data:`_LIBRARIES`."""
    files = sorted(
        item
        for item in package.rglob("*")
        if item.is_file() and "__pycache__" not in item.parts and item.suffix != ".pyc"
    )
    return files_digest(package, files, library_versions(_LIBRARIES))


@functools.cache
def _code() -> str:
    """The installed promopilot's :func:`code_digest`, read once a process (about 0.01 s)."""
    return code_digest(Path(str(resources.files("promopilot"))))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):  # numpy's ints and bools
        return value.item()
    raise TypeError(f"cannot keep a {type(value).__name__}")


def _encode(value: Any) -> Any:
    """JSON for a dict of numbers, a message, or a table with its attrs (floats exactly: JSON
    numbers as Python writes them read back to the same float, NaN included)."""
    if isinstance(value, pd.DataFrame):
        return {
            "table": {
                "columns": [str(c) for c in value.columns],
                "dtypes": [str(t) for t in value.dtypes],
                "rows": value.astype(object).to_numpy().tolist(),
                "attrs": {k: list(v) for k, v in value.attrs.items()},
            }
        }
    return {"value": value}


def _decode(kept_value: dict) -> Any:
    if "value" in kept_value:
        return kept_value["value"]
    table = kept_value["table"]
    frame = pd.DataFrame(table["rows"], columns=table["columns"])
    frame = frame.astype(dict(zip(table["columns"], table["dtypes"], strict=True)))
    frame.attrs.update({k: tuple(v) for k, v in table["attrs"].items()})
    return frame


def keep_model_quality(store: Store) -> None:
    """Compute what the /models page shows and keep it in `store` (see :func:`kept`), so a
    server's first visit to the page reads it instead of computing it; `promopilot demo` does
    it last, when its store holds everything the page is computed from."""
    recommendation_quality(store)
    uplift_quality(store)


def recommendation_quality(store: Store, *, days: int = 30, k: int = 10) -> dict:
    """:func:`held_out_recommendations`, kept in the store for its data (see :func:`kept`)."""
    return kept(
        store,
        "recommendation_quality",
        lambda: held_out_recommendations(store, days=days, k=k),
        days=days,
        k=k,
    )


def held_out_recommendations(store: Store, *, days: int = 30, k: int = 10) -> dict:
    """Fit on everything before the last `days` days, recommend `k` products to each customer
    who bought in those days, and score against what they bought: precision@k, recall@k,
    nDCG@k, hit rate@k (share of those customers who bought at least one of their k) and
    catalogue coverage. Only products count: a customer whose recent lines are all postage or
    fees is not scored, and coverage is of the products the recommender may recommend."""
    end = store.default_as_of()
    cutoff = store.shop_days(end, -days)  # the shop's midnight
    truth = queries.purchases_since(store, cutoff)
    model = fit_recommender(store, as_of=cutoff)
    if model is None or truth.empty:
        return {"customers": 0}
    customers = truth["customer_id"].astype(str).unique()
    recs = model.recommend(customers, k=k, exclude_seen=True)
    if recs.empty:  # CDNOW's one product, bought by all: scores of 0 would blame the model
        return {
            "customers": 0,
            "why": f"there is nothing to recommend to the {len(customers):,} customers who "
            f"bought in the last {days} days: they had already bought every product there is to "
            "recommend",
        }
    metrics = ranking_metrics(truth, recs, k=k)  # the evaluation harness's own definitions
    top = recs[recs["rank"] <= k] if "rank" in recs else recs
    hit = top.merge(
        truth[["customer_id", "product_id"]].drop_duplicates(), on=["customer_id", "product_id"]
    )
    return {
        "customers": len(customers),
        "MAP": metrics["MAP"],
        f"nDCG@{k}": metrics["nDCG@k"],
        f"precision@{k}": metrics["Precision@k"],
        f"recall@{k}": metrics["Recall@k"],
        # customers with at least one of their top-k bought in the held-out days
        f"hit_rate@{k}": hit["customer_id"].nunique() / len(customers),
        # of the products it may recommend (postage and fees are not)
        "coverage": catalog_coverage(recs, len(recommend_queries.catalogue(store))),
    }


def uplift_quality(store: Store) -> pd.DataFrame | str:
    """:func:`held_out_uplift`, kept in the store for its data (see :func:`kept`)."""
    return kept(store, "uplift_quality", lambda: held_out_uplift(store))


def held_out_uplift(store: Store) -> pd.DataFrame | str:
    """Qini, AUUC and uplift@30% per offer of the plan's default model on held-out campaign
    customers, or the reason it cannot be computed."""
    from promopilot.offers.evaluate import evaluate_campaign_models
    from promopilot.offers.plan import DEFAULT_MODEL

    try:
        evaluation = evaluate_campaign_models(store, models=(DEFAULT_MODEL,))
    except (PromopilotError, ValueError) as why:
        return str(why)
    table = evaluation.table
    # the offers without a row, and why (views.uplift_notes says it)
    table.attrs.update(
        left_out=tuple(evaluation.left_out),
        unscored=tuple(evaluation.unscored),
        flat=tuple(offer for _, offer in evaluation.flat),
    )
    return table
