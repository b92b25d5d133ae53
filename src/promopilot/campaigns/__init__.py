"""Campaign logs: uplift training data, delivery, exposures, lift and off-policy
evaluation.

Exported here (imported on first use)::

    from promopilot.campaigns import campaign_training_data, evaluate_policy, measure_campaign

See docs/measurement.md and docs/python-api.md.
"""

from __future__ import annotations

from promopilot.lazy import lazy_exports

# public name -> the module that defines it (imported on first use: promopilot.lazy)
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

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
