import numpy as np
import pandas as pd
import pytest


@pytest.fixture()
def blocks():
    """Two taste groups: customers c0-c9 buy products a0-a4, customers d0-d9 buy b0-b4,
    each customer all but one (their own left-out product, so there is something to
    recommend); a4/b4 are the most popular. Hand-checkable: a c-customer's best unseen
    product is in group a."""
    rows = []
    for prefix, items in (("c", "a"), ("d", "b")):
        for i in range(10):
            skip = i % 4  # c0 lacks a0, c1 lacks a1, ... never a4
            for j in range(5):
                if j != skip:
                    rows.append(
                        (
                            f"{prefix}{i}",
                            f"{items}{j}",
                            1.0 + (j == 4),
                            pd.Timestamp("2024-01-01") + pd.Timedelta(days=i + j),
                        )
                    )
    data = pd.DataFrame(rows, columns=["customer_id", "product_id", "weight", "last_seen"])
    data["category"] = np.where(data["product_id"].str.startswith("a"), "tea", "mug")
    return data


@pytest.fixture()
def catalogue():
    rows = [(f"a{j}", f"green tea leaves {j}", "tea", "loose leaf green tea") for j in range(5)]
    rows += [(f"b{j}", f"ceramic mug {j}", "mug", "a ceramic coffee mug") for j in range(5)]
    rows += [
        ("a_new", "jasmine green tea", "tea", "fresh green tea with jasmine"),
        ("b_new", "enamel mug", "mug", "camping mug, enamel"),
        ("z_new", "绿茶 茶叶", "tea", "杭州龙井绿茶"),
    ]
    return pd.DataFrame(rows, columns=["product_id", "title", "category", "description"])
