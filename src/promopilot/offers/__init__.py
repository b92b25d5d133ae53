"""The campaign planner: economics, assignment within a budget, randomization, the
self-check.

Exported here (imported on first use)::

    from promopilot.offers import build_plan, default_feature_fn, model_matrix

See docs/uplift.md and docs/python-api.md.
"""

from __future__ import annotations

from promopilot.lazy import lazy_exports

# public name -> the module that defines it (imported on first use: promopilot.lazy)
_EXPORTS = {
    "build_plan": "promopilot.offers.plan",
    "PlanResult": "promopilot.offers.plan",
    "PLAN_COLUMNS": "promopilot.offers.plan",
    "default_feature_fn": "promopilot.offers.inputs",
    "model_matrix": "promopilot.offers.inputs",
    "load_offers": "promopilot.offers.inputs",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
