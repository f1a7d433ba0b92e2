/* A write to a full pipe blocks; SIGALRM (handler, SA_RESTART) must run.
 * @parallel
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static void on_alarm(int s) { (void)s; static const char m[] = "alarm handler ran\n"; write(2, m, sizeof m - 1); _exit(3); }
int main(int argc, char **argv)
{
	int p[2];
	static char big[16384];
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	if (argc < 2) sigaction(SIGALRM, &sa, NULL);   /* with arg: default SIGALRM */
	pipe(p);
	for (int i = 0; i < 4; i++) write(p[1], big, sizeof big);  /* 64 KiB: full */
	alarm(1);
	write(p[1], "x", 1);            /* natively blocks here */
	fputs("after write\n", stderr);
	sleep(3);
	fputs("after sleep\n", stderr);
	return 0;
}
