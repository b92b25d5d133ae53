"""What the hot endpoints answer from: an immutable :class:`ServingState` held in memory.

:func:`build_state` reads the store once (fits the recommender, scores every known customer's
top products, reads the latest plan's decisions) and returns a new state; :class:`StateHolder`
swaps it in under a lock. A request reads ``holder.state`` once and uses that object to the end,
so a swap never drops or mixes requests.

Seams for other areas (replace these functions, not the endpoints):
:func:`fit_recommender` (which recommender is served) and :func:`read_plan` (where the latest
plan comes from).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.campaigns.exposures import read_plan as read_send_plan
from promopilot.config import Settings, load_settings
from promopilot.data.forgotten import forgotten_among
from promopilot.data.phone_text import typed_customer_id
from promopilot.data.queries import serve as queries
from promopilot.data.store import Store
from promopilot.exceptions import InputError
from promopilot.serve.offer_details import offer_terms, plan_offers

COLD_START = "\x00cold-start"  # an id no shop uses: the recommender's answer for strangers


@dataclass(frozen=True)
class PlanDecision:
    offer_id: str | None
    group: str
    propensity: float


@dataclass(frozen=True)
class ServingState:
    """Everything the hot endpoints need, computed before it is served; never mutated."""

    version: int
    built_at: float
    k_max: int
    product_ids: np.ndarray  # product index -> id
    titles: np.ndarray  # product index -> title
    customer_rows: dict[str, int]  # customer id -> row of top_products
    top_products: np.ndarray  # (customers, k_max) product index, -1 = none
    top_scores: np.ndarray  # (customers, k_max)
    cold_products: np.ndarray  # (k_max,) for customers the recommender never saw
    cold_scores: np.ndarray
    campaign_id: str | None = None
    plan: dict[str, PlanDecision] = field(default_factory=dict)
    plan_served: bool = False  # a plan is served: customers outside it are visitors
    offer_ids: tuple[str, ...] = ()  # the campaign's offers, for live exploration
    control_share: float = 0.0
    explore_share: float = 0.0
    expected: dict = field(default_factory=dict)  # the plan's expectations, for the dashboard
    # what each offer is (offer_details.offer_terms), and planned customers' own expiry and code
    offer_terms: dict[str, dict] = field(default_factory=dict)
    planned_offers: dict[str, dict] = field(default_factory=dict)
    models: dict = field(default_factory=dict)  # names and versions, shown by /healthz

    def basis(self, customer_id: str) -> str:
        """What the customer's recommendations rest on: ``personal`` (the recommender scored
        them; similarities) or ``popular`` (a stranger: the cold-start list, scored by how many
        customers bought or viewed each product). The two scales are not comparable."""
        return "personal" if customer_id in self.customer_rows else "popular"

    def knows(self, customer_id: str) -> bool:
        """Whether the customer is one this state holds: scored by the recommender (every
        customer of the store's customers, orders and events) or in the plan served."""
        return customer_id in self.customer_rows or customer_id in self.plan

    def customer_id(self, typed: str) -> str:
        """A typed customer id as the store holds it, read as ``promopilot forget`` reads it
        (:func:`promopilot.data.phone_text.typed_customer_id`): as ingest stores an id (an
        e-mail address or ``+86 ...`` number as its hash), else, where only that customer is
        known, the one a mobile number column's number names (``86-13812345678``,
        ``1.3812345678E10``, ``(555) 123-4567``)."""
        return typed_customer_id(typed, self.knows)

    def recommendations(self, customer_id: str, k: int) -> list[dict]:
        """Top-`k` items (product_id, score, title); strangers get the cold-start list."""
        row = self.customer_rows.get(customer_id)
        if row is None:
            products, scores = self.cold_products[:k], self.cold_scores[:k]
        else:
            products, scores = self.top_products[row, :k], self.top_scores[row, :k]
        return [
            {"product_id": self.product_ids[p], "score": float(s), "title": self.titles[p]}
            for p, s in zip(products.tolist(), scores.tolist(), strict=True)
            if p >= 0
        ]


class StateHolder:
    """The current state, replaced atomically."""

    def __init__(self, state: ServingState) -> None:
        self._state = state
        self._lock = threading.Lock()

    @property
    def state(self) -> ServingState:
        return self._state  # one reference read: atomic

    def swap(self, state: ServingState) -> ServingState:
        with self._lock:
            old, self._state = self._state, state
        return old


# -- seams ---------------------------------------------------------------------------------
def fit_recommender(store: Store, as_of: pd.Timestamp | None = None):
    """The served recommender (``fit``/``recommend``), fitted on what the store holds before
    `as_of` (everything by default); None when there is nothing to learn from."""
    from promopilot.data.queries import recommend as rq
    from promopilot.recommend.service import make_model

    inter = rq.interactions(store, as_of=as_of)
    if inter.empty:
        return None
    # item-kNN: fast to fit, and its scores are precomputed for every known customer at start
    return make_model("itemknn").fit(inter, rq.catalogue(store))


def read_plan(
    path: str | Path | None, offer_ids: set[str] | None = None, currency: str | None = None
) -> pd.DataFrame | None:
    """The latest plan (``promopilot plan``'s CSV: customer_id, offer_id, group, propensity,
    ..., optionally campaign_id; or saved again by Excel, as CSV or .xlsx), or None, checked
    as ``send`` checks it (:func:`promopilot.campaigns.exposures.read_plan`): customer ids read
    as ingest stores them (an e-mail address or phone number as its hash), each customer once,
    a known group, a propensity in (0, 1], an offer for every target or explore row and none
    for control rows, offers among `offer_ids` (the store's, where given) and a ``currency``
    column, if any, that names the store's `currency`. A bad row stops it with its line."""
    if path is None:
        return None
    return read_send_plan(path, offer_ids, currency=currency)


# -- building ------------------------------------------------------------------------------
def _recommendation_arrays(store: Store, recommender, k_max: int, product_ids: pd.Index):
    customers = queries.known_customers(store)
    empty = np.full((0, k_max), -1, dtype=np.int32)
    if recommender is None:
        return (
            {},
            empty,
            empty.astype(np.float32),
            np.full(k_max, -1, np.int32),
            np.zeros(k_max, np.float32),
        )
    ids = pd.Index([*customers.astype(str).tolist(), COLD_START])
    recs = recommender.recommend(ids, k=k_max, exclude_seen=True)
    recs = _with_repeat_purchases(store, recommender, recs, ids[:-1], k_max)
    rows = ids.get_indexer(recs["customer_id"].astype(str))
    cols = recs["rank"].to_numpy(dtype=np.int64) - 1
    products = np.full((len(ids), k_max), -1, dtype=np.int32)
    scores = np.zeros((len(ids), k_max), dtype=np.float32)
    products[rows, cols] = product_ids.get_indexer(recs["product_id"].astype(str))
    scores[rows, cols] = recs["score"].to_numpy(dtype=np.float32)
    customer_rows = dict(zip(ids[:-1], range(len(ids) - 1), strict=True))
    return customer_rows, products[:-1], scores[:-1], products[-1], scores[-1]


def _with_repeat_purchases(
    store: Store, recommender, recs: pd.DataFrame, customer_ids: pd.Index, k_max: int
) -> pd.DataFrame:
    """`recs` (unseen products only) with short lists filled up, as ``promopilot recommend``
    does, from products the customer had in categories where rebuying is normal (tea, food,
    cosmetics: ``recommend.repeat_categories``), after every unseen one. Without it a customer
    who had tried the whole of a small shop's catalogue got an empty list."""
    from promopilot.data.queries import recommend as rq
    from promopilot.recommend import repeat_categories
    from promopilot.recommend.service import fill_up

    counts = recs["customer_id"].astype(str).value_counts()
    short = [c for c in customer_ids if counts.get(c, 0) < k_max]
    repeat = repeat_categories(rq.category_repeat_rates(store)) if short else set()
    if not repeat:
        return recs
    catalogue = rq.catalogue(store)
    rebought = set(catalogue.loc[catalogue["category"].astype(str).isin(repeat), "product_id"])
    more = recommender.recommend(short, k=k_max, exclude_seen=False)
    return fill_up(recs, more[more["product_id"].astype(str).isin(rebought)], k_max)


def _plan_part(
    plan: pd.DataFrame | None, campaign_id: str | None, store: Store, forecast: dict | None
) -> dict:
    terms = offer_terms(store)
    if plan is None:
        return {
            "campaign_id": campaign_id,
            "plan": {},
            "offer_ids": (),
            "expected": {},
            "offer_terms": terms,
        }
    if campaign_id is None and "campaign_id" in plan and len(plan):
        campaign_id = str(plan["campaign_id"].iloc[0])
    if not campaign_id:
        raise InputError("the plan names no campaign: give its campaign id")
    n_planned = len(plan)
    column = "expected_incremental_profit"
    # an empty column (a randomized test has no model expectation) sums to None, not 0.00
    total = (
        pd.to_numeric(plan[column], errors="coerce").sum(min_count=1) if column in plan else None
    )
    profit = None if total is None or pd.isna(total) else float(total)
    planned_id = (
        str(plan["campaign_id"].iloc[0]) if "campaign_id" in plan and len(plan) else campaign_id
    )
    written_for = {"customers": n_planned, "campaign_id": planned_id, "in_sample_sum": profit}
    # a customer forgotten on request after the plan was written is not in it: they are
    # answered like any visitor the plan never saw, and their id is never logged
    gone = forgotten_among(store, plan["customer_id"].astype(str))
    if gone:
        plan = plan[~plan["customer_id"].astype(str).isin(gone)]
    offer = plan["offer_id"].astype(str).str.strip()
    propensity = pd.to_numeric(plan["propensity"], errors="coerce").fillna(1.0)
    decisions = {
        c: PlanDecision(o or None, g, float(p))
        for c, o, g, p in zip(
            plan["customer_id"].astype(str),
            offer,
            plan["group"].astype(str),
            propensity,
            strict=True,
        )
    }
    known = set(store.table("offers", ["offer_id"])["offer_id"].astype(str))
    in_plan = sorted(set(offer) - {""})
    offer_ids = tuple(o for o in in_plan if o in known) or tuple(in_plan)
    expected = {
        "customers": len(plan),
        "groups": {str(g): int(n) for g, n in plan["group"].value_counts().items()},
        # the model's in-sample sum: shown as such, never as the forecast
        "expected_incremental_profit": profit,
        "forecast": _matching_forecast(forecast, written_for),
    }
    return {
        "campaign_id": campaign_id,
        "plan": decisions,
        "plan_served": True,
        "offer_ids": offer_ids,
        "expected": expected,
        "offer_terms": terms,
        "planned_offers": plan_offers(store, plan, campaign_id, terms),
    }


def _matching_forecast(forecast: dict | None, plan: dict) -> dict | None:
    """The plan's out-of-fold forecast when it was written for this plan (the same number of
    customers, campaign and in-sample sum of the plan file), else None: the dashboard then
    says "not checked" rather than show another plan's forecast."""
    if not forecast or forecast.get("customers") != plan["customers"]:
        return None
    if (
        None not in (forecast.get("campaign_id"), plan["campaign_id"])
        and str(forecast["campaign_id"]) != plan["campaign_id"]
    ):
        return None
    written, here = forecast.get("in_sample_sum"), plan["in_sample_sum"]
    if (
        written is not None
        and here is not None
        and not math.isclose(written, here, rel_tol=1e-6, abs_tol=0.01)
    ):
        return None
    return forecast


def build_state(
    store: Store,
    *,
    plan: pd.DataFrame | None = None,
    campaign_id: str | None = None,
    forecast: dict | None = None,
    settings: Settings | None = None,
    k_max: int = 50,
    version: int = 1,
    recommender_fn: Callable[[Store], object] = fit_recommender,
) -> ServingState:
    """Read the store and the plan once and precompute every answer the hot endpoints give.

    Parameters
    ----------
    store : the shop's store.
    plan : the latest plan (see :func:`read_plan`), or None: then no campaign is live unless
        `campaign_id` names one, and live decisions only explore.
    campaign_id : the live campaign (default: the plan's ``campaign_id`` column).
    forecast : the plan's out-of-fold forecast (:func:`promopilot.offers.forecast.read_forecast`),
        shown by the dashboard; None: its profit is "not checked".
    k_max : the most recommendations a request may ask for.
    """
    settings = settings or load_settings()
    recommender = recommender_fn(store)
    titles = queries.product_titles(store)
    product_ids = pd.Index(titles["product_id"].astype(str))
    if recommender is not None:
        extra = pd.Index(getattr(recommender, "product_ids_", [])).difference(product_ids)
        product_ids = product_ids.append(extra)
    title_by_id = dict(
        zip(titles["product_id"].astype(str), titles["title"].astype(str), strict=True)
    )
    title_array = np.array([title_by_id.get(p, p) for p in product_ids], dtype=object)
    rows, top, scores, cold, cold_scores = _recommendation_arrays(
        store, recommender, k_max, product_ids
    )
    part = _plan_part(plan, campaign_id, store, forecast)
    if plan is None and part["campaign_id"]:
        # a campaign without a plan explores the shop's offers; a plan's campaign only its own
        # (none where the plan sends nothing: "no offer goes out unless ... it pays")
        part["offer_ids"] = tuple(store.table("offers", ["offer_id"])["offer_id"].astype(str))
    return ServingState(
        version=version,
        built_at=time.time(),
        k_max=k_max,
        product_ids=product_ids.to_numpy(dtype=object),
        titles=title_array,
        customer_rows=rows,
        top_products=top,
        top_scores=scores,
        cold_products=cold,
        cold_scores=cold_scores,
        control_share=settings.control_share,
        explore_share=settings.explore_share,
        models={
            "recommender": type(recommender).__name__ if recommender else None,
            "campaign_id": part["campaign_id"],
            "plan_customers": len(part["plan"]),
        },
        **part,
    )
