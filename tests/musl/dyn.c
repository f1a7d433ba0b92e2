/* A dynamic musl program: armed only by a preloaded library. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
	printf("dynamic %d\n", 7);
	fflush(stdout);
	return write(1, "raw\n", 4) == 4 ? 0 : 1;
}
