"""bctrial's statistics (bctrial.statistics), on samples worked out by
hand.  The ratio of pair i is native_wall_i / batched_wall_i; ratio is
their median, ratio_ci the sign-test (binomial(n, 1/2)) 95% interval of
the median: the order statistics x(k) and x(n-k+1) (1-based) for the
largest k with P(B <= k-1) <= 0.025, B ~ binomial(n, 1/2), so coverage
>= 95%:
  n   P(B<=0)    P(B<=1)      P(B<=2)       ...            k  interval
  6   1/64=.016  7/64=.109                                 1  x(1), x(6)
  8   1/256      9/256=.035                                1  x(1), x(8)
  9   1/512      10/512=.0195 46/512=.090                  2  x(2), x(8)
 10   1/1024     11/1024=.011 56/1024=.055                 2  x(2), x(9)
 20   P(B<=5)=21700/1048576=.0207, P(B<=6)=60460/1048576=.058  6  x(6), x(15)
The samples are given in a shuffled order so that sorting matters."""
import math
import os
import sys
import unittest

sys.path.insert(0, os.environ.get("BCTRIAL_PYTHON") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "trial"))

from bctrial import statistics as st  # noqa: E402


def ratios_of(natives, batched):
    return [n / b for n, b in zip(natives, batched)]


class Median(unittest.TestCase):
    def test_even(self):
        # ratios 1.5, 0.5, 2, 1.25, 1, 0.75 -> sorted 0.5 0.75 1 1.25 1.5 2,
        # median (1 + 1.25) / 2 = 1.125
        rs = ratios_of([3.0, 1.0, 4.0, 5.0, 2.0, 3.0],
                       [2.0, 2.0, 2.0, 4.0, 2.0, 4.0])
        self.assertTrue(math.isclose(st.median(rs), 1.125))

    def test_odd(self):
        self.assertTrue(math.isclose(
            st.median([0.5, 2.0, 1.0, 1.5, 3.0, 1.25, 0.75]), 1.25))

    def test_empty(self):
        with self.assertRaises(ValueError):
            st.median([])


class SignTestInterval(unittest.TestCase):
    cases = [
        ([1.5, 0.5, 2.0, 1.25, 1.0, 0.75], (0.5, 2.0)),
        ([8.0, 1.0, 7.0, 2.0, 6.0, 3.0, 5.0, 4.0], (1.0, 8.0)),
        ([9.0, 1.0, 8.0, 2.0, 7.0, 3.0, 6.0, 4.0, 5.0], (2.0, 8.0)),
        ([10.0, 1.0, 9.0, 2.0, 8.0, 3.0, 7.0, 4.0, 6.0, 5.0], (2.0, 9.0)),
        ([float((7 * i) % 20 + 1) for i in range(20)], (6.0, 15.0)),
    ]

    def test_order_statistics(self):
        for rs, want in self.cases:
            with self.subTest(n=len(rs)):
                got = tuple(st.sign_test_interval(rs))
                self.assertEqual(len(got), 2)
                self.assertTrue(math.isclose(got[0], want[0]) and
                                math.isclose(got[1], want[1]), (got, want))

    def test_too_few_pairs(self):
        self.assertIsNone(st.sign_test_interval([1.0, 2.0, 3.0]))


class StopRule(unittest.TestCase):
    def test_cases(self):
        # tight: 8 ratios within +-1% of 1.0: the interval [x(1), x(8)]
        # lies within +-3% of the median -> stop.  noisy: the same n,
        # spread +-30% -> go on.  few: fewer than 6 -> go on.  six_in: max
        # 1.02, min 0.99 -> stop; six_out: one at 1.04 -> go on.
        cases = [
            ([1.0, 1.01, 0.99, 1.005, 0.995, 1.0, 1.002, 0.998], True),
            ([1.0, 1.3, 0.7, 1.2, 0.8, 1.1, 0.9, 1.05], False),
            ([1.0, 1.0, 1.0, 1.0, 1.0], False),
            ([1.0, 1.02, 0.99, 1.0, 1.01, 1.0], True),
            ([1.0, 1.04, 0.99, 1.0, 1.01, 1.0], False),
        ]
        for rs, want in cases:
            with self.subTest(rs=rs):
                self.assertEqual(bool(st.converged(rs)), want)


if __name__ == "__main__":
    unittest.main()
