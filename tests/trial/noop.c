/*
 * noop.so: a preload library that does nothing observable.  tests/trial.sh
 * passes it to bctrial as --shim, so that the batched side is the same
 * program under LD_PRELOAD: every compared part must then be equivalent.
 */
int bctrial_noop_marker(void);

/* An exported symbol, so that the library is not empty. */
int bctrial_noop_marker(void)
{
	return 0;
}
