"""The campaign planner: economics, assignment within a budget, randomization, the
self-check.

Exported here (imported on first use)::

    from promopilot.offers import build_plan, default_feature_fn, model_matrix

See docs/uplift.md and docs/python-api.md.
"""

from __future__ import annotations

import importlib

# public name -> the module that defines it (imported on first use: see __getattr__)
_EXPORTS = {
    "build_plan": "promopilot.offers.plan",
    "PlanResult": "promopilot.offers.plan",
    "PLAN_COLUMNS": "promopilot.offers.plan",
    "default_feature_fn": "promopilot.offers.inputs",
    "model_matrix": "promopilot.offers.inputs",
    "load_offers": "promopilot.offers.inputs",
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
