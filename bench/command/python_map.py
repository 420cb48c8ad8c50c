# Seed-style peer: the tutorials' Pool.map of a function over a list of numbers.
# Usage: python3 python_map.py COUNT WORKERS
# Prints one JSON line: how long the work took inside the process (pool start to join).
import json
import sys
import time
from multiprocessing import Pool


def square(n):
    return n * n


if __name__ == '__main__':
    count, workers = int(sys.argv[1]), int(sys.argv[2])
    numbers = list(range(1, count + 1))
    started = time.perf_counter()
    with Pool(processes=workers) as pool:
        results = pool.map(square, numbers)
    took = time.perf_counter() - started
    assert len(results) == count and results[-1] == count * count
    print(json.dumps({'seconds': took}))
