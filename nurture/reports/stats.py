"""Summary statistics for paired before/after scores, from three numbers the database sums.

Reports never fetch individual scores: the database returns, per instrument, the number of
pairs ``n``, the sum of the changes and the sum of their squares. Everything else (mean,
standard deviation, confidence interval, effect size) follows from those three numbers, here,
as pure functions with no Django and no database.

Scores are whole numbers, so the sums are exact integers and the variance formula
``(sum of squares - sum**2 / n) / (n - 1)`` loses nothing to rounding at report sizes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.stats import t as student_t  # type: ignore[import-untyped]

CONFIDENCE = 0.95


@dataclass(frozen=True)
class PairedChange:
    """The change from before to after across ``n`` pairs (after minus before)."""

    n: int
    mean: float
    sd: float | None
    """Sample standard deviation of the changes (n - 1 in the denominator); None when n < 2."""
    ci_low: float | None
    ci_high: float | None
    effect_size: float | None
    """Cohen's d for paired data (d_z): the mean change divided by the standard deviation of
    the changes. None when there is no spread to divide by."""

    @property
    def ci_half_width(self) -> float | None:
        if self.ci_low is None or self.ci_high is None:
            return None
        return (self.ci_high - self.ci_low) / 2


def mean(total: float, n: int) -> float | None:
    """``total / n``; None when there is nothing to average."""
    return total / n if n else None


def sample_sd(n: int, total: float, total_of_squares: float) -> float | None:
    """Sample standard deviation from the count, sum and sum of squares; None when n < 2."""
    if n < 2:
        return None
    variance = (total_of_squares - total * total / n) / (n - 1)
    return math.sqrt(max(variance, 0.0))  # never below 0, whatever the float rounding


def t_critical(n: int, confidence: float = CONFIDENCE) -> float:
    """The two-sided critical value of Student's t with n - 1 degrees of freedom."""
    return float(student_t.ppf(1 - (1 - confidence) / 2, n - 1))


def paired_change(n: int, total: float, total_of_squares: float) -> PairedChange | None:
    """Mean change, its 95% confidence interval (t distribution) and Cohen's d, from ``n``
    changes whose sum is ``total`` and sum of squares ``total_of_squares``. None when n is 0.

    The interval is mean ± t(0.975, n - 1) * sd / sqrt(n); with n = 1 there is no interval.
    """
    if n <= 0:
        return None
    average = total / n
    sd = sample_sd(n, total, total_of_squares)
    if sd is None:
        return PairedChange(n=n, mean=average, sd=None, ci_low=None, ci_high=None, effect_size=None)
    half = t_critical(n) * sd / math.sqrt(n)
    return PairedChange(
        n=n,
        mean=average,
        sd=sd,
        ci_low=average - half,
        ci_high=average + half,
        effect_size=average / sd if sd > 0 else None,
    )
