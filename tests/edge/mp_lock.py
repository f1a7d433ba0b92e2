# Two processes add 1 to a counter in a file under a
# multiprocessing.Lock (a process-shared semaphore released with a plain
# store): no update may be lost (native: 4000).
import multiprocessing as mp, os
def add(path, lock, n):
    fd = os.open(path, os.O_RDWR)
    for _ in range(n):
        with lock:
            v = int(os.pread(fd, 16, 0) or b'0')
            os.pwrite(fd, b'%-10d' % (v + 1), 0)
    os.close(fd)
if __name__ == '__main__':
    mp.set_start_method('fork')
    path = 'counter'
    with open(path, 'wb') as f:
        f.write(b'0')
    lock = mp.Lock()
    ps = [mp.Process(target=add, args=(path, lock, 2000)) for _ in range(2)]
    for p in ps: p.start()
    for p in ps: p.join()
    print(int(open(path, 'rb').read()))
