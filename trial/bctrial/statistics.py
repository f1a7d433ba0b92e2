"""The statistics of a trial: the median of the paired ratios, its
distribution-free (sign-test) interval, the adaptive stop rule, and what a
report says of a sample (mean, deviation, inconclusive)."""

import math



MIN_ADAPTIVE_PAIRS = 6
TOLERANCE = 0.03


def median(xs):
    """The median of a non-empty sequence (mean of the middle two if even)."""
    s = sorted(xs)
    n = len(s)
    if n == 0:
        raise ValueError("median of an empty sample")
    mid = n // 2
    return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2


def binomial_cdf(k, n):
    """P(X <= k) for X ~ binomial(n, 1/2): the sign test's distribution."""
    if k < 0:
        return 0.0
    return sum(math.comb(n, i) for i in range(0, min(k, n) + 1)) / 2 ** n


def sign_test_interval(xs, confidence=0.95):
    """Distribution-free interval for the median: (x_(k), x_(n-k+1)) with the
    largest k whose coverage 1 - 2 P(X <= k-1) is still >= confidence.

    It makes no assumption about the shape of the timing noise (which is
    skewed: a run can only be slowed down), which is why it is used rather
    than a t interval.  Returns None when n is too small for any k to reach
    the confidence (n < 6 at 95%)."""
    s = sorted(xs)
    n = len(s)
    best = None
    for k in range(1, n // 2 + 1):
        if 1 - 2 * binomial_cdf(k - 1, n) >= confidence:
            best = k
        else:
            break
    if best is None:
        return None
    return (s[best - 1], s[n - best])


def converged(ratios, tolerance=TOLERANCE, minimum=MIN_ADAPTIVE_PAIRS):
    """Adaptive stopping rule: at least `minimum` pairs and the 95% interval
    of the median ratio within +-tolerance of the median."""
    if len(ratios) < minimum:
        return False
    ci = sign_test_interval(ratios)
    if ci is None:
        return False
    m = median(ratios)
    return ci[0] >= m * (1 - tolerance) and ci[1] <= m * (1 + tolerance)


SCHEMA_VERSION = 2


INCONCLUSIVE_WIDTH = 0.25


def inconclusive(ratio, ci):
    """True when the interval says nothing: missing, spanning 1 (no
    difference is ruled out), or wider than about +-25% of the ratio."""
    if not ci or ratio is None:
        return True
    return ci[0] <= 1 <= ci[1] or \
        (ci[1] - ci[0]) / 2 > INCONCLUSIVE_WIDTH * ratio


def describe(xs):
    """mean, standard deviation (sample), min and max of a sample."""
    if not xs:
        return None
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / (len(xs) - 1) if len(xs) > 1 \
        else 0.0
    return {"mean": mean, "stdev": math.sqrt(var), "min": min(xs),
            "max": max(xs)}
