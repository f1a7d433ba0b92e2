# Helpers for the benchmark scripts' awk programs (prepended to them).
# sort(v, n): v[1..n] ascending (insertion sort: a few dozen runs).
function sort(v, n,   i, j, t) {
	for (i = 2; i <= n; i++) {
		t = v[i]
		for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]
		v[j + 1] = t
	}
}
# med(v, n): the median of the sorted v[1..n].
function med(v, n) { return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
