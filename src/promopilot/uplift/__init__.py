"""Uplift learners (T-, X-, pooled X-, DR-learner, class transformation, ensembles) on
LightGBM, several offers at once, with sklift-compatible metrics and model selection.

Exported here (imported on first use: LightGBM loads with the first fit)::

    from promopilot.uplift import TLearner, XLearner, DRLearner, qini_auc_score

See docs/uplift.md and docs/python-api.md.
"""

from __future__ import annotations

import importlib

# public name -> the module that defines it (imported on first use: see __getattr__)
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


def __getattr__(name: str) -> object:
    """Each public name is imported from its module on first use, so importing this package
    stays light: the heavy libraries load with the estimator that needs them."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
