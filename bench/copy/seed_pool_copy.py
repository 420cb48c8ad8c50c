"""The seed article's folder copier: walk the tree into a queue of file names, then
multiprocessing.Pool().map of shutil.copy over it (copy2 here, so times are kept like the others).

Usage: python3 seed_pool_copy.py SRC DST
"""
import os
import shutil
import sys
from multiprocessing import Pool


def copy_file(names):
    source, target = names
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(source, target)


if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    queue = []
    for folder, _subfolders, files in os.walk(src):
        target_folder = os.path.join(dst, os.path.relpath(folder, src))
        os.makedirs(target_folder, exist_ok=True)
        for name in files:
            queue.append((os.path.join(folder, name), os.path.join(target_folder, name)))
    with Pool() as pool:
        pool.map(copy_file, queue)
