"""A learned reranker over several recommenders' candidates.

Fitting holds out part of the training interactions (each customer's latest ones, or a random
share per product), fits every component on the rest, gathers each component's top
candidates for the held-out customers and trains a LightGBM lambdarank model to put the
held-out products first. Features: each component's score (raw and relative to the
customer's best) and rank, product popularity and age, customer activity and time, and how
far the product's time on the shelf is from the customer's time. The components are then
refitted on all interactions; recommending scores their candidates with the ranker. Weights
come from the validation interactions, never by hand. The statistics behind the features are
in :mod:`promopilot.recommend.hybrid_features`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import clone

from promopilot.data.words import counted
from promopilot.exceptions import InputError, NotEnoughDataError
from promopilot.recommend.base import Recommender, top_k
from promopilot.recommend.blend import blend, fold_blend, ndcg_at
from promopilot.recommend.evaluate import cutoff_split, stratified_split
from promopilot.recommend.hybrid_features import _group_sizes, _row_stats, _Stats

MIN_VALIDATION_CUSTOMERS = 10  # two per validation fold


def default_components(n_products: int) -> list[tuple[str, Recommender]]:
    from promopilot.recommend.factor import ALSRecommender
    from promopilot.recommend.linear import EASERecommender
    from promopilot.recommend.neighbors import (
        ItemKNNRecommender,
        PopularityRecommender,
        RP3BetaRecommender,
    )
    from promopilot.recommend.session import SessionKNNRecommender

    models: list[tuple[str, Recommender]] = [
        ("itemknn", ItemKNNRecommender()),
        ("rp3beta", RP3BetaRecommender()),
        ("session", SessionKNNRecommender()),
        ("als", ALSRecommender()),
        ("popularity", PopularityRecommender()),
    ]
    if n_products <= 15000:
        models.insert(0, ("ease", EASERecommender()))
    return models


class HybridRecommender(Recommender):
    """LightGBM lambdarank over the candidates of several recommenders.

    Parameters
    ----------
    models : list of ``(name, recommender)``; None: EASE (small catalogues), item-kNN,
        RP3beta, session-kNN (when interactions carry times), ALS and popularity.
    n_candidates : candidates taken from each component per customer.
    validation : "temporal" (products customers first had in the latest `validation_share`
        of the time, for customers with earlier history: "what will they buy next"), "stratified"
        (a random `validation_share` of each product's interactions, as the Microsoft protocol
        splits) or "auto" (temporal when interactions carry distinct ``last_seen`` times).
    validation_share : share of customer-product pairs held out for validation. Small shares
        leave the components fitted for validation close to the final ones (on MovieLens
        validation splits of the training part, holding out 10% per product and taking
        several splits beat holding out 25%).
    validation_folds : stratified validation only: that many random splits (different seeds)
        each give candidate lists and labels (more labels, steadier weights).
    combiner : how the components' candidates are ordered: "ranker" (LightGBM lambdarank on
        scores and features), "blend" (a weighted sum of each component's score standardised
        per customer, weights found by coordinate search on the validation labels) or "auto"
        (both are learned; whichever, or the best single component, has the best nDCG@10 on
        validation customers neither was learned on is used, and then relearned on all).
    n_estimators, learning_rate, num_leaves, min_child_samples : the ranker (the number of
        trees actually used is chosen by early stopping on held-out validation customers).
    random_state : seed.
    """

    def __init__(
        self,
        *,
        models: list | None = None,
        n_candidates: int = 50,
        combiner: str = "auto",
        validation: str = "auto",
        validation_share: float = 0.1,
        validation_folds: int = 2,
        n_estimators: int = 400,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        min_child_samples: int = 20,
        early_stopping_rounds: int = 50,
        random_state: int = 0,
    ) -> None:
        self.models = models
        self.n_candidates = n_candidates
        self.combiner = combiner
        self.validation = validation
        self.validation_share = validation_share
        self.validation_folds = validation_folds
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.early_stopping_rounds = early_stopping_rounds
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------
    def _mode(self, data: pd.DataFrame) -> str:
        if self.validation != "auto":
            return self.validation
        times = pd.to_datetime(data["last_seen"]) if "last_seen" in data else None
        return "temporal" if times is not None and times.nunique() > 1 else "stratified"

    def _split(self, data: pd.DataFrame, split: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self._mode(data) == "temporal":
            inner, valid, _ = cutoff_split(data, share=self.validation_share)
            return inner, valid
        return stratified_split(
            data, ratio=1.0 - self.validation_share, seed=self.random_state + 7 + split
        )

    def _fit_components(self, data, products) -> list[tuple[str, Recommender]]:
        specs = (
            self.models if self.models is not None else default_components(len(self.product_ids_))
        )
        fitted = []
        for name, model in specs:
            try:
                fitted.append((name, clone(model).fit(data, products)))
            except NotEnoughDataError:
                continue  # one model that cannot be fitted leaves its features out
        if not fitted:
            raise NotEnoughDataError("no component of the hybrid could be fitted")
        return fitted

    def _fit_matrix(self, X, data, products) -> None:
        import lightgbm as lgb

        if self.combiner not in ("auto", "ranker", "blend"):
            raise InputError(f"combiner must be auto, ranker or blend, got {self.combiner!r}")
        n_splits = self.validation_folds if self._mode(data) == "stratified" else 1
        parts = [self._validation_lists(data, products, 0)]
        names = self.component_names_
        for i in range(1, n_splits):  # further splits only add lists where they can
            try:
                part = self._validation_lists(data, products, i)
            except NotEnoughDataError:
                continue
            if self.component_names_ == names:
                parts.append(part)
        self.component_names_ = names
        self.n_validation_lists_ = int(sum(p["list"].nunique() for _, p, _ in parts))
        feats = pd.concat([f for f, _, _ in parts], ignore_index=True)
        pairs = pd.concat([p for _, p, _ in parts], ignore_index=True)
        label = np.concatenate([y for _, _, y in parts])
        if label.sum() == 0:
            raise NotEnoughDataError("no held-out product among the candidates")
        users = pairs["list"].to_numpy()  # one candidate list per split and customer
        # five folds of validation customers: the blend and the ranker are judged out of fold
        # (never on the customers that chose their weights or the ranker's number of trees)
        unique = pd.unique(pairs["customer_id"])
        if len(unique) < MIN_VALIDATION_CUSTOMERS:
            raise NotEnoughDataError(
                f"{counted(len(unique), 'customer')} {'has' if len(unique) == 1 else 'have'} a "
                "held-out product among the candidates: the "
                f"hybrid needs at least {MIN_VALIDATION_CUSTOMERS} to learn how to combine models"
            )
        fold_of = pd.Series(
            np.random.RandomState(self.random_state).permutation(len(unique)) % 5, index=unique
        )
        fold = fold_of.reindex(pairs["customer_id"]).to_numpy()
        self.validation_ndcg_ = {
            name: ndcg_at(10, users, -feats[f"{name}_rank"].to_numpy(), label)
            for name in self.component_names_
        }
        best_component = max(self.validation_ndcg_, key=self.validation_ndcg_.get)
        scores = {best_component: -feats[f"{best_component}_rank"].to_numpy()}
        # the blend's search visits the components strongest first (the greedy search ends
        # elsewhere when weak components take their weights before strong ones)
        by_strength = sorted(self.component_names_, key=lambda n: -self.validation_ndcg_[n])
        z_cols = [f"{name}_z" for name in by_strength]
        start = f"{best_component}_z"
        if self.combiner in ("auto", "blend"):
            # the weights used are the mean of the five folds' weights
            scores["blend"], self.blend_weights_ = fold_blend(
                feats[z_cols], users, label, start, fold
            )
            self.validation_ndcg_["blend (out of fold)"] = ndcg_at(
                10, users, scores["blend"], label
            )
        if self.combiner in ("auto", "ranker"):
            # out of fold as well: for each fold, a ranker learned on three others and
            # early-stopped on the remaining one (with "ranker" forced, one such fit suffices)
            scores["ranker"] = np.full(len(users), np.nan)
            trees = []
            for f in range(5) if self.combiner == "auto" else (1,):
                judge, stop = fold == f, fold == (f + 4) % 5
                ranker, n_trees = self._fit_ranker(feats, label, users, ~(judge | stop), stop)
                scores["ranker"][judge] = ranker.predict(feats[judge], num_iteration=n_trees)
                trees.append(n_trees)
            n_trees = int(np.median(trees))
        # each way must earn its place on customers it was not learned on
        judged = np.isfinite(scores.get("ranker", np.zeros(len(users))))
        self.stop_ndcg_ = {
            name: ndcg_at(10, users[judged], score[judged], label[judged])
            for name, score in scores.items()
        }
        self.use_ = max(self.stop_ndcg_, key=self.stop_ndcg_.get)
        if self.combiner in ("ranker", "blend"):
            self.use_ = self.combiner
        if self.use_ == "ranker":
            self.ranker_ = lgb.LGBMRanker(**{**ranker.get_params(), "n_estimators": n_trees})
            self.ranker_.fit(feats, label, group=_group_sizes(users))
        self.feature_names_ = list(feats.columns)
        self.components_ = self._fit_components(data, products)
        self.stats_ = _Stats(data, self.components_[0][1].customer_ids_, self.product_ids_)

    def _validation_lists(self, data, products, split: int):
        """Candidate features, pairs (with a ``list`` key per split and customer) and labels
        for the customers of one validation split, components fitted on the rest."""
        inner, valid = self._split(data, split)
        valid = valid[valid["customer_id"].isin(set(inner["customer_id"]))]
        if inner.empty or valid.empty:
            raise NotEnoughDataError("too few interactions to hold some out for the ranker")
        components = self._fit_components(inner, products)
        self.component_names_ = [name for name, _ in components]
        stats = _Stats(inner, components[0][1].customer_ids_, self.product_ids_)
        customers = pd.unique(valid["customer_id"])
        feats, pairs = self._candidates(components, stats, customers)
        truth = pd.MultiIndex.from_frame(valid[["customer_id", "product_id"]])
        label = pd.MultiIndex.from_frame(pairs[["customer_id", "product_id"]]).isin(truth)
        keep = pd.Series(label).groupby(pairs["customer_id"].to_numpy()).transform("any")
        keep = keep.to_numpy()
        pairs = pairs[keep].assign(list=lambda t: f"{split}|" + t["customer_id"])
        return feats[keep].reset_index(drop=True), pairs.reset_index(drop=True), label[keep]

    def _fit_ranker(self, feats, label, users, is_train, is_stop):
        """LightGBM lambdarank learned on the customers in `is_train`, the number of trees
        chosen by early stopping on those in `is_stop`; returns the ranker and that number."""
        import lightgbm as lgb

        ranker = lgb.LGBMRanker(
            objective="lambdarank",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            random_state=self.random_state,
            n_jobs=1,
            verbose=-1,
            deterministic=True,
            force_row_wise=True,
        )
        ranker.fit(
            feats[is_train],
            label[is_train],
            group=_group_sizes(users[is_train]),
            eval_X=(feats[is_stop],),
            eval_y=(label[is_stop],),
            eval_group=[_group_sizes(users[is_stop])],
            eval_at=[10],
            callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
        )
        return ranker, ranker.best_iteration_ or self.n_estimators

    # -- candidates and features ---------------------------------------------------------
    def _candidates(
        self, components, stats: _Stats, customer_ids
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        frames, pair_frames = [], []
        customer_ids = np.asarray(customer_ids, dtype=object)
        for start in range(0, len(customer_ids), self.block_rows):
            block = customer_ids[start : start + self.block_rows]
            f, p = self._block_features(components, stats, block)
            frames.append(f)
            pair_frames.append(p)
        return (pd.concat(frames, ignore_index=True), pd.concat(pair_frames, ignore_index=True))

    def _block_features(self, components, stats: _Stats, block: np.ndarray):
        n_p = len(self.product_ids_)
        first = components[0][1]
        rows = first.customer_ids_.get_indexer(pd.Index(block.astype(str)))
        seen = np.zeros((len(block), n_p), dtype=bool)
        known = np.flatnonzero(rows >= 0)
        if len(known):
            coo = first.seen_[rows[known]].tocoo()
            seen[known[coo.row], self.product_ids_.get_indexer(first.product_ids_[coo.col])] = True
        mask = np.zeros((len(block), n_p), dtype=bool)
        per_model = []
        for _name, model in components:
            scores = model.score_block(block)
            cols = self.product_ids_.get_indexer(model.product_ids_)
            full = np.full((len(block), n_p), np.nan, dtype=np.float32)
            full[:, cols] = scores
            full[seen] = -np.inf
            idx, _ = top_k(np.nan_to_num(full, nan=-np.inf), self.n_candidates)
            rank = np.full((len(block), n_p), self.n_candidates + 1, dtype=np.float32)
            rank[np.arange(len(block))[:, None], idx] = np.arange(1, idx.shape[1] + 1)
            mask[np.arange(len(block))[:, None], idx] = True
            per_model.append((full, rank, *_row_stats(full)))
        mask &= ~seen
        r, c = np.nonzero(mask)
        out = {}
        for (name, _), (full, rank, best, (mean, std)) in zip(components, per_model, strict=True):
            s = full[r, c]
            # standardised per customer over the products they have not had: the blend's input
            out[f"{name}_z"] = np.nan_to_num((s - mean[r]) / np.where(std[r] > 0, std[r], 1.0))
            out[f"{name}_rel"] = s / np.where(np.abs(best[r]) > 0, np.abs(best[r]), 1.0)
            out[f"{name}_rank"] = rank[r, c]
        urow = np.where(rows >= 0, rows, 0)[r]
        uknown = (rows >= 0)[r]
        out["item_share"] = stats.item_share[c]
        if stats.has_time:  # what sells now: shares of the last week and month
            for days in (7.0, 30.0):
                n = stats.window_count(c, np.full(len(c), -days), np.zeros(len(c)))
                out[f"item_share_last_{days:.0f}d"] = n / max(stats.window_total(days), 1.0)
        # counts relative to the table's size: the ranker is trained on a part of the data
        # and applied to all of it
        out["user_rel_count"] = np.where(uknown, stats.user_count[urow], 0.0) / max(
            stats.user_count.mean(), 1e-9
        )
        if stats.has_time:
            out["item_mean_days"] = stats.item_mean[c]
            out["item_first_days"] = stats.item_first[c]
            out["user_mean_days"] = np.where(uknown, stats.user_mean[urow], 0.0)
            out["user_last_days"] = np.where(uknown, stats.user_last[urow], 0.0)
            out["first_minus_user_last"] = out["item_first_days"] - out["user_last_days"]
            out["item_minus_user_mean"] = out["item_mean_days"] - out["user_mean_days"]
            first = np.where(uknown, stats.user_first[urow], 0.0)
            last = out["user_last_days"]
            during = stats.window_count(c, first - 1.0, last + 1.0)
            out["item_share_of_all_during_user"] = during / max(stats.item_count.sum(), 1.0)
            out["item_share_during_user"] = during / np.maximum(stats.item_count[c], 1.0)
            recent = stats.window_count(c, last - 30.0, last + 1.0)
            out["item_share_month_before_user_last"] = recent / max(stats.item_count.sum(), 1.0)
        feats = pd.DataFrame(out).astype(np.float32)
        pairs = pd.DataFrame(
            {
                "customer_id": block[r].astype(str),
                "product_id": self.product_ids_.to_numpy()[c],
                "col": c,
                "row": r,  # the row in `block` (a customer asked for twice has two)
            }
        )
        return feats, pairs

    def summary(self) -> str:
        """What the fitted hybrid uses, e.g. ``blend: ease 1, als 0.35`` or ``ranker``."""
        self._check_fitted()
        if self.use_ == "blend":
            parts = ", ".join(f"{c[:-2]} {w:g}" for c, w in self.blend_weights_.items())
            return f"blend: {parts}"
        return self.use_

    # -- scoring -----------------------------------------------------------------------
    def _score_ids(self, ids: np.ndarray, rows: np.ndarray) -> np.ndarray:
        block = np.asarray(ids, dtype=object)
        feats, pairs = self._block_features(self.components_, self.stats_, block)
        out = np.full((len(block), len(self.product_ids_)), -np.inf, dtype=np.float32)
        if len(pairs):
            if self.use_ == "ranker":
                pred = self.ranker_.predict(feats[self.feature_names_])
            elif self.use_ == "blend":
                pred = blend(feats, self.blend_weights_)
            else:  # a component validated better than the ranker: its order, its scores
                pred = feats[f"{self.use_}_rel"].to_numpy() - feats[f"{self.use_}_rank"]
            out[pairs["row"].to_numpy(), pairs["col"].to_numpy()] = pred
        return out

    def _similar(self, cols: np.ndarray) -> np.ndarray:
        model = self.components_[0][1]
        inner = model.product_ids_.get_indexer(self.product_ids_[cols])
        out = np.zeros((len(cols), len(self.product_ids_)), dtype=np.float32)
        ok = inner >= 0
        if ok.any():
            out[np.ix_(ok, self.product_ids_.get_indexer(model.product_ids_))] = model._similar(
                inner[ok]
            )
        return out
