"""The customer profile: features, lifetime value, churn and purchase models, segments.

Exported here (imported on first use)::

    from promopilot.profile import build_profile, build_features, ChurnModel, window_tables

See docs/profile.md and docs/python-api.md.
"""

from __future__ import annotations

from promopilot.lazy import lazy_exports

# public name -> the module that defines it (imported on first use: promopilot.lazy)
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

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
