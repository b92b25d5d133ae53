"""The customer profile: features, lifetime value, churn and purchase models, segments.

Exported here (imported on first use)::

    from promopilot.profile import build_profile, build_features, ChurnModel, window_tables

See docs/profile.md and docs/python-api.md.
"""

from __future__ import annotations

import importlib

# public name -> the module that defines it (imported on first use: see __getattr__)
_EXPORTS = {
    "build_profile": "promopilot.profile.build",
    "Profile": "promopilot.profile.build",
    "PROFILE_COLUMNS": "promopilot.profile.build",
    "build_features": "promopilot.profile.features",
    "FEATURE_DESCRIPTIONS": "promopilot.profile.features",
    "ChurnModel": "promopilot.profile.churn",
    "WindowModel": "promopilot.profile.models",
    "Evaluation": "promopilot.profile.models",
    "evaluate_probabilities": "promopilot.profile.models",
    "BaselineModel": "promopilot.profile.baselines",
    "window_tables": "promopilot.profile.windows",
    "fit_window_model": "promopilot.profile.windows",
    "fit_with_baseline": "promopilot.profile.windows",
    "BetaGeoModel": "promopilot.profile.bgnbd",
    "GammaGammaModel": "promopilot.profile.gamma_gamma",
    "customer_lifetime_value": "promopilot.profile.clv",
    "ClusterSegmenter": "promopilot.profile.segmenter",
    "PromoUseModel": "promopilot.profile.sensitivity",
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
