"""The statistics on an outcomes frame (``estimate_lift``, ``per_segment``, the CUPED
covariates and floors) live in a module of their own (``estimate``): what other modules import
from :mod:`promopilot.campaigns.measure` and the package is still there, the same objects."""

from __future__ import annotations

import promopilot.campaigns as campaigns
from promopilot.campaigns import depth, estimate, lift_words, measure


def test_the_measure_module_gives_the_names_other_modules_import():
    assert measure.estimate_lift is estimate.estimate_lift is depth.estimate_lift
    assert measure.per_segment is estimate.per_segment
    assert measure.SEGMENT_TOO_FEW is estimate.SEGMENT_TOO_FEW
    assert measure.METRICS is estimate.METRICS and measure.COVARIATES is estimate.COVARIATES
    assert measure.MIN_PER_ARM == estimate.MIN_PER_ARM
    assert measure.MIN_ARM_CUSTOMERS == lift_words.MIN_ARM_CUSTOMERS == depth.MIN_ARM_CUSTOMERS
    assert depth._chosen_and_held_out is measure._chosen_and_held_out
    assert campaigns.measure_campaign is measure.measure_campaign
    assert measure.measure_with_daily.__module__ == "promopilot.campaigns.measure"
    assert set(measure.__all__) <= set(dir(measure))
