"""Uplift learners (T-, X-, pooled X-, DR-learner, class transformation, ensembles) on
LightGBM, several offers at once, with sklift-compatible metrics and model selection.

Exported here (imported on first use: LightGBM loads with the first fit)::

    from promopilot.uplift import TLearner, XLearner, DRLearner, qini_auc_score

See docs/uplift.md and docs/python-api.md.
"""

from __future__ import annotations

from promopilot.lazy import lazy_exports

# public name -> the module that defines it (imported on first use: promopilot.lazy)
_EXPORTS = {
    "TLearner": "promopilot.uplift.models",
    "XLearner": "promopilot.uplift.models",
    "PooledXLearner": "promopilot.uplift.models",
    "DRLearner": "promopilot.uplift.models",
    "ClassTransformation": "promopilot.uplift.models",
    "EnsembleUplift": "promopilot.uplift.models",
    "linear_effect": "promopilot.uplift.models",
    "spline_classifier": "promopilot.uplift.models",
    "CalibratedUplift": "promopilot.uplift.calibration",
    "BinnedUplift": "promopilot.uplift.binned",
    "select_model": "promopilot.uplift.selection",
    "qini_auc_score": "promopilot.uplift.metrics",
    "uplift_auc_score": "promopilot.uplift.metrics",
    "uplift_at_k": "promopilot.uplift.metrics",
    "qini_curve": "promopilot.uplift.metrics",
    "uplift_curve": "promopilot.uplift.metrics",
    "per_arm_scores": "promopilot.uplift.metrics",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
