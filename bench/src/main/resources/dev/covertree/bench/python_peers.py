"""What a NumPy/SciPy user would run instead, timed for `covertree bench`.

  numpy-brute: the residual-correlation k-NN as a NumPy user writes it: blocks of 512 queries, one
               matrix product (OpenBLAS dgemm) per block against all of V, the kernel, the ratio, then
               argpartition and a sort of the k smallest.
  ckdtree:     scipy.spatial.cKDTree(X).query(Q, k, workers=T) for the Euclidean metric.

Prints one JSON object: the seconds of each timed run. Writes the last run's ids and distances.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

BLOCK = 512


def correlation(kernel, s2):
    if kernel == "rbf":
        return np.exp(-0.5 * s2)
    r = np.sqrt(s2)
    if kernel == "matern12":
        return np.exp(-r)
    if kernel == "matern32":
        a = np.sqrt(3.0) * r
        return (1 + a) * np.exp(-a)
    if kernel == "matern52":
        a = np.sqrt(5.0) * r
        return (1 + a + a * a / 3) * np.exp(-a)
    raise SystemExit("unknown kernel " + kernel)


def numpy_brute(x, v, p, kernel, variance, lengthscale, k, queries, pred):
    xs = x / lengthscale
    v64 = v.astype(np.float64)
    isp = 1.0 / np.sqrt(p)
    sq = np.einsum("ij,ij->i", xs, xs)
    n = len(x)
    ids = np.full((len(queries), k), -1, dtype=np.int64)
    dist = np.full((len(queries), k), np.inf)
    for b0 in range(0, len(queries), BLOCK):
        q = queries[b0:b0 + BLOCK]
        end = int(q.max()) if pred else n
        if end == 0:
            continue
        g = v64[q] @ v64[:end].T
        s2 = np.maximum(sq[q][:, None] + sq[None, :end] - 2.0 * (xs[q] @ xs[:end].T), 0.0)
        rho = (variance * correlation(kernel, s2) - g) * isp[q][:, None] * isp[None, :end]
        d = np.sqrt(1.0 - np.minimum(np.abs(rho), 1.0))
        cols = np.arange(end)
        d[cols[None, :] == q[:, None]] = np.inf
        if pred:
            d[cols[None, :] >= q[:, None]] = np.inf
        kk = min(k, end)
        part = np.argpartition(d, kk - 1, axis=1)[:, :kk]
        pd = np.take_along_axis(d, part, axis=1)
        order = np.lexsort((part, pd), axis=1)
        part = np.take_along_axis(part, order, axis=1)
        pd = np.take_along_axis(pd, order, axis=1)
        part[~np.isfinite(pd)] = -1
        ids[b0:b0 + len(q), :kk] = part
        dist[b0:b0 + len(q), :kk] = pd
    return ids, dist


def ckdtree(x, k, queries, threads):
    from scipy.spatial import cKDTree
    tree = cKDTree(x)
    dist, ids = tree.query(x[queries], k=k + 1, workers=threads)
    # drop the query point itself (the first hit at distance 0, or wherever a duplicate put it)
    keep = ids != queries[:, None]
    out_i = np.array([row[m][:k] for row, m in zip(ids, keep)], dtype=np.int64)
    out_d = np.array([row[m][:k] for row, m in zip(dist, keep)])
    return out_i, out_d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("method", choices=["numpy-brute", "ckdtree"])
    ap.add_argument("--coords", required=True)
    ap.add_argument("--v")
    ap.add_argument("--p")
    ap.add_argument("--kernel", default="rbf")
    ap.add_argument("--variance", type=float, default=1.0)
    ap.add_argument("--lengthscale", type=float, default=1.0)
    ap.add_argument("--k", type=int, required=True)
    ap.add_argument("--queries", type=int, required=True, help="0: every point")
    ap.add_argument("--predecessor", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out-ids", required=True)
    ap.add_argument("--out-distances", required=True)
    a = ap.parse_args()
    x = np.load(a.coords, mmap_mode="r")
    n = len(x)
    queries = np.arange(n if a.queries == 0 else a.queries, dtype=np.int64)
    seconds = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        if a.method == "numpy-brute":
            ids, dist = numpy_brute(np.asarray(x, dtype=np.float64), np.load(a.v, mmap_mode="r"),
                                    np.load(a.p, mmap_mode="r"), a.kernel, a.variance, a.lengthscale, a.k, queries,
                                    a.predecessor)
        else:
            ids, dist = ckdtree(np.asarray(x, dtype=np.float64), a.k, queries, a.threads)
        seconds.append(time.perf_counter() - t0)
    np.save(a.out_ids, ids)
    np.save(a.out_distances, dist)
    json.dump({"seconds": seconds, "numpy": np.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
