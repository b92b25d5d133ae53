"""Sizing a randomized offer test for a shop with no campaign history.

Every arm (each offer, and sending nothing) gets the same share of customers. Each offer arm is
compared with the control arm by a two-sided test of two proportions (normal approximation,
unpooled variances), with the significance level split over the comparisons (Bonferroni), so
"at least one offer works" is not found by chance more often than ``alpha``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from promopilot.exceptions import InputError


@dataclass(frozen=True)
class TestDesign:
    """What a randomized test with these sizes can find."""

    __test__ = False  # not a pytest test class

    n_customers: int
    arms: list[str]  # "" is the control arm
    per_arm: int
    baseline_rate: float
    min_effect: float
    alpha: float
    power: float
    needed_per_arm: int  # customers per arm to find min_effect with this power
    detectable_effect: float  # the smallest lift found with this power at per_arm
    achieved_power: float  # the power to find min_effect at per_arm
    notes: list[str] = field(default_factory=list)

    @property
    def adequate(self) -> bool:
        return self.per_arm >= self.needed_per_arm

    @property
    def explanation(self) -> str:
        k = len(self.arms) - 1
        lines = [
            f"Randomized test: {len(self.arms)} arms (control and {k} offer"
            f"{'s' if k != 1 else ''}), {self.per_arm:,} customers an arm on average (each "
            "customer's arm is drawn at random, so the arms' counts differ).",
            f"Baseline purchase rate per campaign window: {self.baseline_rate:.2%}.",
            f"To find a lift of {self.min_effect * 100:.1f} percentage points with "
            f"{self.power:.0%} power at "
            f"a {self.alpha:.0%} significance level (split over {k} comparison"
            f"{'s' if k != 1 else ''}) each arm needs {self.needed_per_arm:,} customers.",
            f"With {self.per_arm:,} per arm the power to find that lift is "
            f"{self.achieved_power:.0%}; the smallest lift found with {self.power:.0%} power is "
            f"{self.detectable_effect * 100:.1f} percentage points.",
        ]
        if not self.adequate:
            lines.append(
                "The shop has too few customers to find the smallest lift worth "
                "finding in one campaign: run fewer offers, or repeat the test and "
                "pool the results."
            )
        lines.extend(self.notes)
        return "\n".join(lines)


def _z(alpha: float, k: int, power: float) -> tuple[float, float]:
    return float(norm.ppf(1 - alpha / (2 * max(k, 1)))), float(norm.ppf(power))


def needed_per_arm(
    baseline_rate: float,
    min_effect: float,
    *,
    n_comparisons: int = 1,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Customers per arm for a two-sided two-proportion test to find ``min_effect``."""
    p0 = baseline_rate
    p1 = min(p0 + min_effect, 1.0)
    za, zb = _z(alpha, n_comparisons, power)
    variance = p0 * (1 - p0) + p1 * (1 - p1)
    return int(np.ceil((za + zb) ** 2 * variance / (p1 - p0) ** 2))


def power_at(
    per_arm: int,
    baseline_rate: float,
    effect: float,
    *,
    n_comparisons: int = 1,
    alpha: float = 0.05,
) -> float:
    """Power of the two-sided test with ``per_arm`` customers in each of the two arms."""
    if per_arm <= 0:
        return 0.0
    p0 = baseline_rate
    p1 = min(p0 + effect, 1.0)
    se = np.sqrt((p0 * (1 - p0) + p1 * (1 - p1)) / per_arm)
    za = norm.ppf(1 - alpha / (2 * max(n_comparisons, 1)))
    return float(norm.cdf(abs(p1 - p0) / se - za))


def detectable_effect(
    per_arm: int,
    baseline_rate: float,
    *,
    n_comparisons: int = 1,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """The smallest lift (in rate points) found with ``power`` at ``per_arm`` per arm."""
    if per_arm <= 0:
        return float("inf")
    hi = 1.0 - baseline_rate
    if power_at(per_arm, baseline_rate, hi, n_comparisons=n_comparisons, alpha=alpha) < power:
        return float("inf")
    lo = 0.0
    for _ in range(60):  # bisection: power rises with the effect
        mid = (lo + hi) / 2
        if power_at(per_arm, baseline_rate, mid, n_comparisons=n_comparisons, alpha=alpha) >= power:
            hi = mid
        else:
            lo = mid
    return hi


def design_test(
    n_customers: int,
    baseline_rate: float,
    min_effect: float,
    offer_ids: list[str],
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> TestDesign:
    """Split ``n_customers`` evenly over a control arm and one arm per offer and say what the
    test can find."""
    if not 0 < baseline_rate < 1:
        raise InputError(f"baseline rate must be between 0 and 1, got {baseline_rate}")
    if not 0 < min_effect < 1 - baseline_rate:
        raise InputError(
            f"the smallest effect worth finding must be between 0 and "
            f"{1 - baseline_rate:.3f}, got {min_effect}"
        )
    if not offer_ids:
        raise InputError("a test needs at least one offer")
    arms = ["", *offer_ids]
    k = len(offer_ids)
    per_arm = n_customers // len(arms)
    return TestDesign(
        n_customers=n_customers,
        arms=arms,
        per_arm=per_arm,
        baseline_rate=baseline_rate,
        min_effect=min_effect,
        alpha=alpha,
        power=power,
        needed_per_arm=needed_per_arm(
            baseline_rate, min_effect, n_comparisons=k, alpha=alpha, power=power
        ),
        detectable_effect=detectable_effect(
            per_arm, baseline_rate, n_comparisons=k, alpha=alpha, power=power
        ),
        achieved_power=power_at(per_arm, baseline_rate, min_effect, n_comparisons=k, alpha=alpha),
    )
