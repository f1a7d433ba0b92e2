/* The program's view of its dispositions after glibc functions that set
 * them internally (sigset, siginterrupt) . */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
static void h(int s) { (void)s; }
static const char *name(void (*f)(int)) { return f == SIG_DFL ? "SIG_DFL" : f == SIG_IGN ? "SIG_IGN" : f == h ? "h" : "other"; }
int main(void)
{
	struct sigaction o;
	sigset(SIGUSR1, h);
	sigaction(SIGUSR1, NULL, &o);
	printf("after sigset(SIGUSR1,h): %s\n", name(o.sa_handler));
	signal(SIGUSR2, h);
	siginterrupt(SIGUSR2, 1);
	sigaction(SIGUSR2, NULL, &o);
	printf("SIGUSR2 after siginterrupt: handler %s SA_RESTART=%d\n", name(o.sa_handler), !!(o.sa_flags & SA_RESTART));
	sigset(SIGUSR1, SIG_DFL);
	sigaction(SIGUSR1, NULL, &o);
	printf("after sigset(SIGUSR1,SIG_DFL): %s\n", name(o.sa_handler));
	return 0;
}
