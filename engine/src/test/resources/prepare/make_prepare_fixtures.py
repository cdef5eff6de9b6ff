"""V and p made with NumPy in float64 (SPEC section 4), for the Java prepare tests.
Rerun: python3 make_prepare_fixtures.py (in this folder). Each case: coords.npy, inducing.npy (sorted ids),
v.npy, p.npy, and case.txt (kernel variance lengthscale...)."""
import os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))

def kern(kind, var, ls, A, B):
    A = A / ls; B = B / ls
    s2 = np.maximum(((A[:, None, :] - B[None, :, :]) ** 2).sum(-1), 0)
    r = np.sqrt(s2)
    if kind == "rbf": return var * np.exp(-0.5 * s2)
    if kind == "matern12": return var * np.exp(-r)
    if kind == "matern32": a = np.sqrt(3) * r; return var * (1 + a) * np.exp(-a)
    a = np.sqrt(5) * r; return var * (1 + a + a * a / 3) * np.exp(-a)

def case(name, n, d, kind, var, ls, m, seed):
    out = os.path.join(here, name); os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)); ls = np.broadcast_to(np.asarray(ls, float), (d,))
    ind = np.sort(rng.choice(n, size=m, replace=False))
    L = np.linalg.cholesky(kern(kind, var, ls, X[ind], X[ind]) + 1e-6 * var * np.eye(m))
    V = np.linalg.solve(L, kern(kind, var, ls, X[ind], X)).T
    p = np.maximum(var - (V * V).sum(1), 1e-9)
    np.save(f"{out}/coords.npy", X); np.save(f"{out}/inducing.npy", ind.astype(np.int64))
    np.save(f"{out}/v.npy", np.ascontiguousarray(V)); np.save(f"{out}/p.npy", p)
    open(f"{out}/case.txt", "w").write(f"{kind} {var} {','.join(map(str, ls))}\n")

case("rbf-ard", 700, 3, "rbf", 1.7, [0.8, 1.5, 2.0], 90, 5)
case("matern32", 500, 2, "matern32", 0.9, 0.6, 40, 6)
case("matern12", 300, 4, "matern12", 1.0, 1.2, 25, 7)
case("matern52", 400, 1, "matern52", 2.5, 0.4, 30, 8)
print("written to", here)
