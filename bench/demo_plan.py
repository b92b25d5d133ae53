"""The plan ``promopilot demo`` builds, for the benchmarks that measure what comes after it
(``report_coverage.py``, ``live_visitors.py``): budget 0.6 per customer, the default response
model, no do-no-harm check. Not a benchmark itself."""

from __future__ import annotations

from promopilot.data.store import Store
from promopilot.offers.plan import PlanResult, build_plan
from promopilot.synth.shop import END


def plan_as_the_demo(store: Store, n_customers: int, campaign_id: str) -> PlanResult:
    return build_plan(
        store,
        budget=round(0.6 * n_customers, -2),
        campaign_id=campaign_id,
        as_of=END,
        n_bootstrap=10,
        select_model=False,
        do_no_harm=False,
    )
