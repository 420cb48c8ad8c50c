# Seed-style peer: the tutorials' Pool.map of a function over a list of numbers (squares), or with
# `text` over as many file names (their lengths), as `task-farm map` gets them from an input file.
# Usage: python3 python_map.py COUNT WORKERS [text]
# Prints one JSON line: how long the work took inside the process (pool start to join).
import json
import sys
import time
from multiprocessing import Pool


def square(n):
    return n * n


def length(name):
    return len(name)


if __name__ == '__main__':
    count, workers = int(sys.argv[1]), int(sys.argv[2])
    text = len(sys.argv) > 3 and sys.argv[3] == 'text'
    inputs = [f'/srv/data/file-{i}.txt' for i in range(1, count + 1)] if text else list(range(1, count + 1))
    started = time.perf_counter()
    with Pool(processes=workers) as pool:
        results = pool.map(length if text else square, inputs)
    took = time.perf_counter() - started
    assert len(results) == count and results[-1] == (len(inputs[-1]) if text else count * count)
    print(json.dumps({'seconds': took}))
