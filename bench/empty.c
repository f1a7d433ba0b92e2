/* bench/startup.sh's floor: a preloaded library that does next to nothing
 * (one constructor, one exported function), linked as libbcshim.so is (no
 * libc), so that what the dynamic loader charges for any preload is told
 * apart from what bcshim adds. */
static volatile int loaded;

__attribute__((__constructor__(101))) static void load(void)
{
	loaded = 1;
}

int bcshim_bench_empty(void)
{
	return loaded;
}
