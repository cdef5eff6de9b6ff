"""The plain Vecchia job as a scipy user writes it with GpGp's method (its find_ordered_nn): each point's k
nearest earlier points, from a cKDTree over the prefix of the ordering queried for ever more neighbours (the
count doubles) until k earlier ones are among them; the first 2k + 1 points by brute force.

    python3 gpgp_prefix_knn.py X.npy K OUT.npy

Writes N x K int64 ids (earlier points only, nearest first, -1 where a point has fewer than K before it).
"""
import sys

import numpy as np
from scipy.spatial import cKDTree

x = np.load(sys.argv[1])
k = int(sys.argv[2])
n = len(x)
out = np.full((n, k), -1, dtype=np.int64)
first = min(2 * k + 1, n)
for i in range(1, first):
    d = ((x[:i] - x[i]) ** 2).sum(axis=1)
    near = np.argsort(d, kind="stable")[:k]
    out[i, :len(near)] = near
queries = np.arange(first, n)
search = k
while len(queries):
    prefix = int(queries.max()) + 1
    search = min(prefix, 2 * search)
    _, nn = cKDTree(x[:prefix]).query(x[queries], k=search, workers=-1)
    earlier = nn < queries[:, None]
    done = earlier.sum(axis=1) >= k
    # the first k earlier ids of each finished row, in the tree's distance order
    pick = np.argsort(~earlier[done], axis=1, kind="stable")[:, :k]
    out[queries[done]] = np.take_along_axis(nn[done], pick, axis=1)
    queries = queries[~done]
np.save(sys.argv[3], out)
