"""The hybrid's linear blend: nDCG@k over candidate lists, and the blend's weights found by
coordinate search on validation labels (per fold, then averaged over the folds)."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: weights tried for each component in the blend's coordinate search
BLEND_STEPS = (0.0, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)


def ndcg_at(k: int, users: np.ndarray, score: np.ndarray, label: np.ndarray) -> float:
    """Mean nDCG@k over candidate lists (ideal = the list's own positives, at most k); ties
    in score go to the row that comes first."""
    group = np.asarray(users)
    if group.dtype.kind not in "iu":
        group = pd.factorize(group)[0]
    score, label = np.asarray(score, dtype=float), np.asarray(label, dtype=float)
    if len(group) == 0 or np.isnan(score).any():
        return _ndcg_sorted(k, group, score, label)
    # only the positives' ranks matter: each is 1 + the rows of its list ahead of it
    by_group = np.argsort(group, kind="stable")  # linear when lists are contiguous
    g = group[by_group]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)]
    pos = np.flatnonzero(label[by_group] != 0)
    list_of = np.searchsorted(starts, pos, side="right") - 1
    lo, size = starts[list_of], ends[list_of] - starts[list_of]
    if size.sum() > 4 * len(g) + 1024:  # many positives in long lists: one sort is cheaper
        return _ndcg_sorted(k, group, score, label)
    owner = np.repeat(np.arange(len(pos)), size)
    other = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size) + np.repeat(lo, size)
    s = score[by_group]
    mine = s[pos][owner]
    ahead = (s[other] > mine) | ((s[other] == mine) & (other < pos[owner]))
    rank = np.bincount(owner, weights=ahead, minlength=len(pos)).astype(np.int64) + 1
    gp, y = g[pos], label[by_group][pos]
    order = np.lexsort((rank, gp))  # summed in rank order, as a sort of whole lists would
    return _ndcg_from(k, gp[order], rank[order], y[order], int(group.max()) + 1)


def _ndcg_from(k: int, g: np.ndarray, rank: np.ndarray, y: np.ndarray, n_groups: int) -> float:
    top = rank <= k
    dcg = np.bincount(g[top], weights=y[top] / np.log1p(rank[top]), minlength=n_groups)
    n_pos = np.minimum(np.bincount(g, weights=y, minlength=n_groups), k).astype(int)
    ideal = np.concatenate([[0.0], np.cumsum(1.0 / np.log1p(np.arange(1, k + 1)))])
    ok = n_pos > 0
    return float((dcg[ok] / ideal[n_pos[ok]]).mean()) if ok.any() else 0.0


def _ndcg_sorted(k: int, group: np.ndarray, score: np.ndarray, label: np.ndarray) -> float:
    """:func:`ndcg_at` by one sort of all rows (NaN scores, or lists with many positives)."""
    order = np.lexsort((-score, group))
    g, y = group[order], label[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)])) + 1
    return _ndcg_from(k, g, rank, y, int(g.max()) + 1)


def fit_blend(
    z: pd.DataFrame, users: np.ndarray, label: np.ndarray, start: str, *, k: int = 10
) -> tuple[dict[str, float], float]:
    """Weights of a linear blend of per-customer standardised scores (columns of `z`),
    found by coordinate search from `start` (weight 1) to maximise nDCG@k on the labels;
    returns the weights and the nDCG reached."""
    users = pd.factorize(np.asarray(users))[0]  # once, not per trial
    weights = dict.fromkeys(z.columns, 0.0)
    weights[start] = 1.0
    values = {c: z[c].to_numpy(dtype=np.float64) for c in z.columns}

    def blended(w):
        return sum(w[c] * values[c] for c in w if w[c])

    best = ndcg_at(k, users, blended(weights), label)
    for _ in range(2):
        improved = False
        for name in z.columns:
            if name == start:
                continue
            for step in BLEND_STEPS:
                trial = {**weights, name: step}
                score = ndcg_at(k, users, blended(trial), label)
                if score > best + 1e-5:
                    best, weights, improved = score, trial, True
        if not improved:
            break
    return {c: w for c, w in weights.items() if w}, best


def blend(feats: pd.DataFrame, weights: dict[str, float]) -> np.ndarray:
    """The blended score of each candidate row."""
    return sum(w * feats[c].to_numpy(dtype=np.float64) for c, w in weights.items())


def fold_blend(
    z: pd.DataFrame, users: np.ndarray, label: np.ndarray, start: str, fold: np.ndarray
) -> tuple[np.ndarray, dict[str, float]]:
    """Blend weights learned on all folds but one, for each fold in turn: returns each row's
    score under the weights learned without its fold (an out-of-fold estimate) and the mean
    of the per-fold weights (steadier than one search on all rows: on MovieLens validation
    splits the averaged weights ranked held-out customers better)."""
    out_of_fold = np.zeros(len(users))
    folds = np.unique(fold)
    total: dict[str, float] = {}
    for f in folds:
        inside = fold == f
        weights, _ = fit_blend(z[~inside], users[~inside], label[~inside], start)
        out_of_fold[inside] = blend(z[inside], weights)
        for c, w in weights.items():
            total[c] = total.get(c, 0.0) + w / len(folds)
    return out_of_fold, total
