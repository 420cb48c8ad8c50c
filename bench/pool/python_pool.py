# Seed-style peer: the tutorials' multiprocessing.Pool, squaring numbers.
# Usage: python3 python_pool.py map|apply_async COUNT WORKERS CHUNKSIZE
# Prints one JSON line: how long the work took inside the process (pool start to join) and in all.
import json
import sys
import time
from multiprocessing import Pool


def square(n):
    return n * n


if __name__ == '__main__':
    mode, count, workers, chunksize = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    started = time.perf_counter()
    pool = Pool(processes=workers)
    if mode == 'map':
        results = pool.map(square, range(count), chunksize=chunksize)
    else:
        pending = [pool.apply_async(square, (n,)) for n in range(count)]
        results = [p.get() for p in pending]
    pool.close()
    pool.join()
    took = time.perf_counter() - started
    assert len(results) == count and results[-1] == (count - 1) ** 2
    print(json.dumps({'seconds': took}))
