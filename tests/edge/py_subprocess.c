/* CPython with a SIGCHLD handler runs subprocesses (its subprocess module
 * uses vfork, and the child resets the parent's handlers before exec):
 * the parent's handlers must still run afterwards (issue 11: it died of
 * SIGSEGV).  Runs python3 from PATH, which the preload follows through
 * exec; a static musl build only runs it. */
#include <stdio.h>
#include <unistd.h>

static const char script[] =
	"import os, signal, subprocess, sys\n"
	"seen = []\n"
	"signal.signal(signal.SIGCHLD, lambda s, f: seen.append(s))\n"
	"signal.signal(signal.SIGUSR1, lambda s, f: print('usr1 handler', flush=True))\n"
	"for i in range(3):\n"
	"    r = subprocess.run(['sh', '-c', 'echo child $0; exit $0', str(i)])\n"
	"    print('returncode', r.returncode, flush=True)\n"
	"out = subprocess.run(['echo', 'captured'], capture_output=True).stdout\n"
	"print(out.decode().strip(), flush=True)\n"
	"signal.raise_signal(signal.SIGUSR1)\n"
	"print('SIGCHLD handled:', bool(seen))\n"
	"print('SIGTERM default:', signal.getsignal(signal.SIGTERM) == signal.SIG_DFL)\n"
	"print('ok')\n";

int main(void)
{
	execlp("python3", "python3", "-I", "-c", script, (char *)0);
	perror("python3");
	return 127;
}
