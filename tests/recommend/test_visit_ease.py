"""Visit-EASE: EASE fitted on customers and on their visits (runs of interactions a few
minutes apart)."""

import numpy as np
import pandas as pd
import pytest

from promopilot.exceptions import NotEnoughDataError
from promopilot.recommend.linear import EASERecommender, VisitEASERecommender

START = pd.Timestamp("2024-03-01 09:00")


def _visits():
    """Eight customers have x and y within a minute (one visit) and z weeks later; two more
    have x and z weeks apart. Per customer, x goes with z (10 customers) more than with y
    (8); per visit, only y is ever had with x. Customer q has x only."""
    rows = []
    for i in range(8):
        day = START + pd.Timedelta(days=i)
        rows += [(f"u{i}", "x", day), (f"u{i}", "y", day + pd.Timedelta(seconds=30))]
        rows += [(f"u{i}", "z", day + pd.Timedelta(days=20))]
        rows += [(f"u{i}", f"f{i % 4}", day + pd.Timedelta(days=40))]
    for i in range(2):
        day = START + pd.Timedelta(days=i)
        rows += [(f"v{i}", "x", day), (f"v{i}", "z", day + pd.Timedelta(days=15))]
    rows += [("q", "x", START), ("q", "f1", START + pd.Timedelta(days=3))]
    return pd.DataFrame(rows, columns=["customer_id", "product_id", "first_seen"])


def test_products_had_in_the_same_visit_predict_each_other():
    data = _visits()
    plain = EASERecommender(l2=1.0).fit(data).recommend(["q"], k=1)
    visit = VisitEASERecommender(l2=1.0, dropout=0.0, zero_diagonal=True, visit_weight=1.0)
    top = visit.fit(data).recommend(["q"], k=1)
    assert plain["product_id"].iat[0] == "z"  # customer co-occurrence alone: z
    assert top["product_id"].iat[0] == "y"  # with the visits: y
    # visits longer than the gap: every customer's products are one visit, no new signal
    one_visit = VisitEASERecommender(l2=1.0, dropout=0.0, zero_diagonal=True, visit_weight=1.0)
    one_visit.set_params(visit_gap_minutes=60 * 24 * 60).fit(data)
    assert one_visit.recommend(["q"], k=1)["product_id"].iat[0] == "z"


def test_visit_ease_is_dlae_on_the_customer_and_visit_gram():
    data = _visits()
    model = VisitEASERecommender(l2=2.0, dropout=0.5, visit_weight=1.5, visit_gap_minutes=1.0)
    model.fit(data)
    products = model.product_ids_
    X = model.X_.toarray().astype(np.float64)
    # visits by hand: the x-y pairs 30 s apart are one visit, every other interaction its own
    visit_rows = []
    for _, t in data.sort_values(["customer_id", "first_seen"]).groupby("customer_id"):
        times, items = t["first_seen"].to_numpy(), t["product_id"].to_numpy()
        start = 0
        for j in range(1, len(items) + 1):
            if j == len(items) or (times[j] - times[j - 1]) > np.timedelta64(60, "s"):
                row = np.zeros(len(products))
                row[products.get_indexer(items[start:j])] = 1.0
                visit_rows.append(row)
                start = j
    V = np.array(visit_rows)
    assert len(V) == len(data) - 8  # eight x-y visits of two products
    G = X.T @ X + 1.5 * V.T @ V
    penalty = 2.0 + np.diag(G)  # dropout / (1 - dropout) = 1
    expected = np.linalg.solve(G + np.diag(penalty), G)
    np.testing.assert_allclose(model.weights_, expected, atol=1e-5)


def test_visit_ease_needs_times(blocks):
    with pytest.raises(NotEnoughDataError, match="times"):
        VisitEASERecommender().fit(blocks.drop(columns="last_seen"))
