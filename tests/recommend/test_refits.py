"""No recommender is fitted twice on the same data for the same result: the hybrid takes the
components `choose_model` (and the protocol benchmark) has just fitted on its own training
data, and gives the same recommendations and validation figures as when it fits them
itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from promopilot.recommend.base import Recommender
from promopilot.recommend.hybrid import HybridRecommender, default_components
from promopilot.recommend.neighbors import ItemKNNRecommender, PopularityRecommender
from promopilot.recommend.service import choose_model


def taste_shop(n_customers: int = 160, seed: int = 0) -> pd.DataFrame:
    """Customers of four tastes, each buying products of their taste over 60 days."""
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2024-01-01")
    for c in range(n_customers):
        taste = c % 4
        n = int(rng.integers(4, 12))  # at most 11 of the 12 products of a taste
        picks = rng.choice(12, size=n, replace=False) + 10 * taste
        picks[: n // 4] = rng.integers(0, 42, size=n // 4)  # some off-taste products
        days = np.sort(rng.integers(0, 60, size=n))
        for p, d in zip(picks, days, strict=True):
            rows.append(
                (f"c{c}", f"p{p}", float(rng.integers(1, 4)), start + pd.Timedelta(days=int(d)))
            )
    data = pd.DataFrame(rows, columns=["customer_id", "product_id", "weight", "last_seen"])
    return data.drop_duplicates(["customer_id", "product_id"], keep="last").reset_index(drop=True)


def fitted_singles(data: pd.DataFrame) -> list[Recommender]:
    return [model.fit(data) for _, model in default_components(data["product_id"].nunique())]


def test_the_hybrid_takes_components_fitted_on_its_data_and_recommends_the_same():
    data = taste_shop()
    singles = fitted_singles(data)
    own = HybridRecommender().fit(data)
    reused = HybridRecommender().fit(data, fitted=singles)
    assert [m for _, m in reused.components_] == singles  # the very objects, not refitted
    assert all(a is b for (_, a), b in zip(reused.components_, singles, strict=True))
    assert reused.stop_ndcg_ == own.stop_ndcg_
    assert reused.use_ == own.use_
    customers = data["customer_id"].unique()
    pd.testing.assert_frame_equal(
        reused.recommend(customers, k=10), own.recommend(customers, k=10), check_exact=True
    )


@pytest.mark.parametrize(
    "change",
    ["weight", "time", "row", "params", "catalogue"],
)
def test_a_model_fitted_on_other_data_or_with_other_parameters_is_fitted_again(change):
    data = taste_shop()
    other = data.copy()
    products = None
    if change == "weight":
        other.loc[3, "weight"] += 1.0
    elif change == "time":
        other.loc[3, "last_seen"] += pd.Timedelta(hours=1)
    elif change == "row":
        other = other.drop(index=3)
    elif change == "catalogue":
        products = pd.DataFrame({"product_id": ["p999"], "title": ["new"]})
    stale = ItemKNNRecommender(n_neighbors=200 if change == "params" else 50).fit(other)
    popularity = PopularityRecommender().fit(data)
    hybrid = HybridRecommender(
        models=[("itemknn", ItemKNNRecommender(n_neighbors=50)), ("pop", PopularityRecommender())]
    ).fit(data, products, fitted=[stale, popularity])
    components = dict(hybrid.components_)
    assert components["itemknn"] is not stale
    assert components["pop"] is (popularity if products is None else components["pop"])
    if products is not None:
        assert components["pop"] is not popularity  # fitted without the catalogue


def test_equal_data_give_one_fit_key_and_a_copy_changes_nothing():
    data = taste_shop()
    a = ItemKNNRecommender().fit(data)
    b = PopularityRecommender().fit(data.copy())
    c = ItemKNNRecommender().fit(data.iloc[::-1])  # another order: another matrix layout
    assert a.fit_key_ == b.fit_key_
    assert c.fit_key_ != a.fit_key_


def test_choose_model_fits_no_model_twice_on_the_same_data(monkeypatch):
    """Each (class, parameters, data) is fitted once in a whole `auto` choice: before, the
    hybrid fitted its final components again on the training part the single models had
    just been validated on (six fits for nothing)."""
    fits: list[tuple[str, str, int]] = []
    original = Recommender.fit

    def counting_fit(self, interactions, products=None):
        params = repr(sorted(self.get_params(deep=False).items()))
        data = tuple(pd.util.hash_pandas_object(interactions.reset_index(drop=True)))
        fits.append((type(self).__name__, params, hash(data)))
        return original(self, interactions, products)

    monkeypatch.setattr(Recommender, "fit", counting_fit)
    data = taste_shop(200)
    choice = choose_model(
        data, names=["popularity", "itemknn", "ease", "rp3beta", "session", "als", "hybrid"]
    )
    assert choice.table["nDCG@k"].notna().all()  # the hybrid was validated
    twice = [f for f in set(fits) if fits.count(f) > 1]
    assert not twice, f"fitted twice on the same data: {[f[0] for f in twice]}"
    assert len(fits) == 6 + 1 + 6  # six singles, the hybrid, its six on the validation split
