"""Campaign logs: uplift training data, delivery, exposures, lift and off-policy
evaluation.

Exported here (imported on first use)::

    from promopilot.campaigns import campaign_training_data, evaluate_policy, measure_campaign

See docs/measurement.md and docs/python-api.md.
"""

from __future__ import annotations

import importlib

# public name -> the module that defines it (imported on first use: see __getattr__)
_EXPORTS = {
    "campaign_training_data": "promopilot.campaigns.history",
    "CampaignData": "promopilot.campaigns.history",
    "CONTROL": "promopilot.campaigns.history",
    "campaign_outcomes": "promopilot.campaigns.outcomes",
    "evaluate_policy": "promopilot.campaigns.ope",
    "off_policy_value": "promopilot.campaigns.ope",
    "policy_arms": "promopilot.campaigns.ope",
    "measure_campaign": "promopilot.campaigns.measure",
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
