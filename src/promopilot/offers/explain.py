"""Why the plan says what it says: a short reason on every row, and a few readable rules
(a shallow decision tree fitted on the plan's choices) for the whole plan."""

from __future__ import annotations

import numpy as np
import pandas as pd

from promopilot.data.currency import money


def row_reasons(
    plan: pd.DataFrame, best: pd.DataFrame, titles: dict[str, str], currency: str | None = None
) -> np.ndarray:
    """A short why for every row (vectorized string building), money in the shop's `currency`
    where it is known."""
    offer = plan["offer_id"].to_numpy(dtype=object)
    group = plan["group"].to_numpy(dtype=object)
    p0 = best["p_buy_none"].to_numpy()
    gain = best["expected_incremental_profit"].to_numpy()
    low = best["profit_lower"].to_numpy()
    best_offer = best["offer_id"].to_numpy(dtype=object)
    label = np.array([titles.get(o, o) for o in offer], dtype=object)
    reason = np.empty(len(plan), dtype=object)
    sent_target = (group == "target") & (offer != "")
    reason[sent_target] = [
        f"persuadable: P(buy) {a:.0%} -> {b:.0%} with {t}; "
        f"{money(g, currency, sign=True)} expected profit"
        for a, b, t, g in zip(
            p0[sent_target],
            plan["p_buy"].to_numpy()[sent_target],
            label[sent_target],
            plan["expected_incremental_profit"].to_numpy()[sent_target],
            strict=True,
        )
    ]
    none = (group == "none") | ((group == "target") & (offer == ""))
    anyway = none & (p0 >= 0.3) & (gain <= 0)
    unsure = none & ~anyway & (gain > 0) & (low <= 0)
    budget = none & ~anyway & (low > 0)
    lost = none & ~anyway & ~unsure & ~budget
    reason[anyway] = "would buy anyway: an offer would only give margin away"
    reason[unsure] = [
        f"not clearly profitable: {b} might earn {money(g, currency, sign=True)} "
        "but could lose money"
        for b, g in zip(best_offer[unsure], gain[unsure], strict=True)
    ]
    reason[budget] = "profitable, but the budget went to better-value customers"
    reason[lost] = [f"not persuadable: no offer pays for itself (P(buy) {a:.0%})" for a in p0[lost]]
    reason[group == "control"] = [
        f"control: randomized holdout (the model chose {c})"
        for c in plan["model_choice"].to_numpy()[group == "control"]
    ]
    reason[group == "explore"] = "explore: random offer, so the next model learns from it"
    return reason


# the columns the rules may split on, where the features have them (the report shows each by
# its label, promopilot.report.labels)
RULE_FEATURES = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "discount_sensitivity",
    "churn_risk",
    "purchase_propensity_30d",
    "p_alive",
    "tenure_days",
    "browse_intensity",
    "price_level",
)
MONEY_FEATURES = frozenset({"monetary", "avg_order_value"})  # their cuts are sums of money


# the lines of the rules around the tree (report.labels writes them in Chinese from these)
RULES_HEADER = "who gets what (a depth-{depth} tree reproduces {accuracy} of the plan's choices):"
EVERYONE_GETS = "everyone considered gets: {offer}"
NO_OFFER = "nothing"  # the leaf of the customers the plan sends no offer


def plan_rules(
    features: pd.DataFrame,
    choice: pd.Series,
    *,
    max_depth: int = 3,
    random_state: int = 0,
    currency: str | None = None,
) -> str:
    """A shallow decision tree fitted on the plan's choices, printed as readable rules (a cut
    of a sum of money, such as net spend, in the shop's `currency` where it is known)."""
    readable = [c for c in RULE_FEATURES if c in features]
    if not readable:
        readable = [
            c
            for c in features.columns
            if c != "customer_id" and pd.api.types.is_numeric_dtype(features[c])
        ][:8]
    X = features.set_index("customer_id")[readable].reindex(choice.index)
    X = X.fillna(X.median(numeric_only=True)).fillna(0.0)
    from sklearn.tree import DecisionTreeClassifier

    labels = choice.replace("", NO_OFFER)
    if labels.nunique() < 2:
        return EVERYONE_GETS.format(offer=labels.iloc[0] if len(labels) else NO_OFFER)
    tree = DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=max(20, len(X) // 200), random_state=random_state
    ).fit(X, labels)
    text = _readable_rules(tree, readable, currency)
    accuracy = tree.score(X, labels)
    return RULES_HEADER.format(depth=max_depth, accuracy=f"{accuracy:.0%}") + f"\n{text}"


def _readable_rules(tree, names: list[str], currency: str | None = None) -> str:
    """The fitted tree as ``export_text`` prints it, but a split whose every leaf says the same
    thing is printed as that one leaf (a tree grown for purity often splits a group that gets
    one offer either way)."""
    t = tree.tree_
    classes = tree.classes_
    leaf_class: dict[int, object] = {}

    def same(node: int):
        if t.children_left[node] == -1:
            leaf_class[node] = classes[int(np.argmax(t.value[node][0]))]
        else:
            a, b = same(t.children_left[node]), same(t.children_right[node])
            leaf_class[node] = a if a is not None and a == b else None
        return leaf_class[node]

    same(0)
    lines: list[str] = []

    def show(node: int, depth: int) -> None:
        pad = "|   " * depth + "|--- "
        if leaf_class[node] is not None:
            lines.append(f"{pad}class: {leaf_class[node]}")
            return
        name, cut = names[t.feature[node]], t.threshold[node]
        cut = money(cut, currency) if name in MONEY_FEATURES else f"{cut:.2f}"
        lines.append(f"{pad}{name} <= {cut}")
        show(t.children_left[node], depth + 1)
        lines.append(f"{pad}{name} >  {cut}")
        show(t.children_right[node], depth + 1)

    show(0, 0)
    return "\n".join(lines) + "\n"
