"""Evaluate uplift models on held-out campaign data, per offer against the control group."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from promopilot.campaigns.history import CONTROL, CampaignData


def holdout_mask(customer_ids: np.ndarray, *, share: float = 0.3, salt: str = "holdout"
                 ) -> np.ndarray:
    """Deterministic split by hashed customer id: True for the held-out share."""
    digest = np.array([int(hashlib.sha256(f"{salt}:{c}".encode()).hexdigest()[:12], 16)
                       for c in customer_ids], dtype=np.float64)
    return digest / float(16**12) < share


@dataclass
class UpliftEvaluation:
    table: pd.DataFrame  # model, offer, n_treated, n_control, qini, auuc, uplift_at_k
    curves: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    k: float = 0.3
    n_train: int = 0
    n_test: int = 0


def evaluate_models(data: CampaignData, models: dict, *, k: float = 0.3, share: float = 0.3
                    ) -> UpliftEvaluation:
    """Fit each model on the training customers and score every offer on the held-out ones."""
    from promopilot.offers.plan import model_matrix
    from promopilot.uplift.metrics import (
        qini_auc_score,
        qini_curve,
        uplift_at_k,
        uplift_auc_score,
    )

    test = holdout_mask(data.customer_id, share=share)
    X = model_matrix(data.X)
    rows = []
    curves = {}
    for name, model in models.items():
        model.fit(X[~test], data.bought[~test], data.treatment[~test],
                  propensity=data.propensity[~test])
        uplift = np.asarray(model.predict(X[test]), dtype=float)
        if uplift.ndim == 1:
            uplift = uplift[:, None]
        y_test, arm_test = data.bought[test], data.treatment[test]
        for j, offer in enumerate(model.treatments_):
            mask = (arm_test == offer) | (arm_test == CONTROL)
            y, t, u = y_test[mask], (arm_test[mask] == offer).astype(int), uplift[mask, j]
            if t.sum() < 10 or (1 - t).sum() < 10:
                continue
            rows.append({
                "model": name, "offer": offer, "n_treated": int(t.sum()),
                "n_control": int((1 - t).sum()),
                "qini": float(qini_auc_score(y, u, t)),
                "auuc": float(uplift_auc_score(y, u, t)),
                f"uplift_at_{int(k * 100)}": float(uplift_at_k(y, u, t, strategy="overall", k=k)),
            })
            curves[(name, offer)] = tuple(np.asarray(a, dtype=float) for a in qini_curve(y, u, t))
    return UpliftEvaluation(pd.DataFrame(rows), curves, k, int((~test).sum()), int(test.sum()))


def qini_figure(evaluation: UpliftEvaluation):
    """A Plotly figure of the Qini curves, one trace per (model, offer), with the random line."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for (name, offer), (x, y) in evaluation.curves.items():
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=f"{offer} · {name}"))
        fig.add_trace(go.Scatter(x=[0, x[-1]], y=[0, y[-1]], mode="lines", showlegend=False,
                                 line=dict(dash="dot", width=1, color="#999")))
    fig.update_layout(title="Qini curves on held-out campaign customers",
                      xaxis_title="customers targeted (by predicted uplift)",
                      yaxis_title="incremental buyers", template="plotly_white", height=480)
    return fig


def write_qini_plot(evaluation: UpliftEvaluation, folder: str | Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "qini.html"
    qini_figure(evaluation).write_html(path, include_plotlyjs=True, full_html=True)
    return path
