# Python ignores SIGPIPE: each write to a closed pipe raises
# BrokenPipeError, and a parent waiting for the child's error message
# gets it (native: b'OUT:test' then b'ERR:BrokenPipeError').
import subprocess, sys
from subprocess import PIPE
child = 'import os\nwhile True:\n b=os.read(0,1024)\n if not b: break\n try: os.write(1,b"OUT:"+b)\n except OSError as e: os.write(2,b"ERR:"+type(e).__name__.encode())\n'
p = subprocess.Popen([sys.executable, '-c', child], stdin=PIPE, stdout=PIPE, stderr=PIPE)
p.stdin.write(b'test'); p.stdin.flush(); print(p.stdout.read(8), flush=True); p.stdout.close()
for i in range(3):
    p.stdin.write(b'xxx'); p.stdin.flush(); print(p.stderr.read(19), flush=True)
p.stdin.close(); print(p.wait())
