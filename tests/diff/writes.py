import os, sys
n = int(sys.argv[1])
for i in range(n):
    print(i)
for i in range(n):
    sys.stdout.write("w%d\n" % i)
for i in range(n):
    os.write(1, b"o%d\n" % i)
fd = os.open("pyfile", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
for i in range(n):
    os.write(fd, b"f%d\n" % i)
os.close(fd)
sys.stderr.write("done\n")
