"""The NumPy-facing functions: arrays in, arrays out, through the command-line tool."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from . import _runner, _worker

ArrayLike = Union[np.ndarray, Sequence]
PathLike = Union[str, "os.PathLike[str]"]


def _mapped_file(a) -> Optional[str]:
    """The .npy file a whole array was memory-mapped from (``np.load(..., mmap_mode=...)``), if it is one:
    the tool can then read that file itself and nothing is written."""
    if not isinstance(a, np.memmap) or not a.filename or not str(a.filename).endswith(".npy"):
        return None
    try:
        with open(a.filename, "rb") as f:
            version = np.lib.format.read_magic(f)
            read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read is None:
                return None
            shape, fortran, dtype = read(f)
            offset = f.tell()
    except (OSError, ValueError, AttributeError):
        return None
    if (a.offset == offset and tuple(a.shape) == tuple(shape) and a.dtype == dtype and not fortran
            and a.flags.c_contiguous and dtype.isnative):
        return str(a.filename)
    return None


def _save(folder, name: str, a: ArrayLike, dtype=None, worker: Optional[_worker.Worker] = None) -> str:
    """An array as a .npy file the tool reads: the file a memory-mapped array came from, else the worker's
    file of the same content (so its kept inputs are found again), else a file in the call's private folder
    (a C-contiguous array is written as it is, without a copy)."""
    mapped = _mapped_file(a)
    if mapped is not None and (dtype is None or np.dtype(dtype) == a.dtype):
        return mapped
    arr = np.asarray(a) if dtype is None else np.asarray(a, dtype=dtype)
    if arr.dtype not in (np.float32, np.float64, np.int32, np.int64):
        arr = arr.astype(np.float64)
    if worker is not None:
        kept = worker.array_file(arr)
        if kept is not None:
            return kept
    path = folder / f"{name}.npy"
    np.save(path, np.ascontiguousarray(arr))
    return str(path)


def _load(path: Path) -> np.ndarray:
    """An output as an array the caller may modify: read into memory when small, else mapped back
    copy-on-write (the file is deleted after the call; the mapping keeps its pages)."""
    if path.stat().st_size <= _READ_BYTES:
        return _read_answer(path)
    return np.load(path, mmap_mode="c")


_HEADER = re.compile(rb"\{'descr': '([<|][if]8)', 'fortran_order': False, 'shape': \((\d+), (\d+)\), *\} *\n")


def _read_answer(path: Path) -> np.ndarray:
    """A small output read whole. The tool's answers have one header shape (version 1.0, a Q x k int64 or
    float64 C-order array), read here with one pattern instead of np.load's general parser, which costs more
    than the read for the answers of repeated calls: the file in one read into a buffer the array then uses
    (writable, no second copy); anything else goes to np.load."""
    with open(path, "rb", buffering=0) as f:
        buf = bytearray(os.fstat(f.fileno()).st_size)
        got = f.readinto(buf)
    if got == len(buf) and buf[:8] == b"\x93NUMPY\x01\x00":
        start = 10 + int.from_bytes(buf[8:10], "little")
        m = _HEADER.fullmatch(bytes(buf[10:start]))
        if m:
            rows, cols = int(m.group(2)), int(m.group(3))
            dtype = np.dtype(m.group(1).decode())
            if len(buf) - start == rows * cols * dtype.itemsize:
                return np.frombuffer(buf, dtype=dtype, count=rows * cols, offset=start).reshape(rows, cols)
    return np.load(path)


#: Outputs up to this size are read into memory (faster than mapping for the small answers of repeated calls).
_READ_BYTES = 16 << 20


def _call(worker: Optional[_worker.Worker], args, quiet: bool) -> str:
    """Runs the command in the worker when there is one, else as a process of its own."""
    return worker.run(args, quiet) if worker is not None else _runner.run(args, quiet)


def _lengthscale(lengthscale: Union[float, Sequence[float]]) -> str:
    if np.ndim(lengthscale) == 0:
        return repr(float(lengthscale))
    return ",".join(repr(float(l)) for l in lengthscale)


def knn(X: ArrayLike, k: int, *, metric: str = "residual", kernel: Optional[str] = None, variance: float = 1.0,
        lengthscale: Union[float, Sequence[float]] = 1.0, inducing: int = 256, inducing_method: str = "random",
        V: Optional[ArrayLike] = None, p: Optional[ArrayLike] = None, model: Optional[PathLike] = None,
        query_ids: Optional[ArrayLike] = None, query_coords: Optional[ArrayLike] = None, predecessor: bool = False,
        include_self: bool = False, order: Optional[str] = None, seed: int = 0, threads: Optional[int] = None,
        engine: str = "auto", spark: Optional[str] = None, spark_segments: int = 1,
        quiet: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """The exact k nearest neighbours of every point of ``X`` (N x d), of the points ``query_ids``, or of new
    points ``query_coords``; as ``covertree knn`` computes them.

    Returns ``(indices, distances)``: int64 and float64 arrays Q x k, each row sorted by distance then id, and
    padded with -1 / inf where fewer than k neighbours exist. Ids and rows are in the original numbering of
    ``X`` whatever ``order`` is.

    metric: ``"residual"`` (needs ``kernel``, or ``model``, or ``V`` and ``p``) or ``"euclidean"``.
    kernel, variance, lengthscale: the covariance (``"rbf"``, ``"matern12"``, ``"matern32"``, ``"matern52"``;
    lengthscale one value or one per dimension). Without ``V``/``p``/``model`` they are prepared from
    ``inducing`` points chosen by ``inducing_method`` (``"random"`` or ``"kmeans++"``) with ``seed``.
    model: a bundle written by :func:`prepare` (``out_model=``) or ``covertree prepare --out-model``.
    predecessor: the Vecchia mode: point i may only return points before it in ``order``
    (``None``/``"given"``: the order of ``X``; ``"random"``: seeded by ``seed``; ``"maxmin"``: exact max-min).
    threads: worker threads (default all cores). engine: ``"auto"``, ``"bounds"``, ``"tree"``, ``"brute"``,
    ``"scan"`` (all exact). spark: run the job on Apache Spark with this master (``"local[2]"`` in-process,
    ``"spark://host:7077"``, ...; the residual metric then needs ``V`` and ``p``, and ``threads`` and
    ``order`` do not apply), with the points cut into ``spark_segments`` id segments; the answer is the same
    to the bit. quiet: no progress on stderr.

    Raises CovertreeUsageError (a ValueError) for bad arguments, InputDataError for data that cannot be used,
    CovertreeError otherwise; each carries the tool's one-line message.
    """
    worker = _worker.current(spark=spark is not None)
    options = dict(metric=metric, kernel=kernel, variance=variance, lengthscale=lengthscale, inducing=inducing,
                   inducing_method=inducing_method, V=V, p=p, model=model, query_ids=query_ids,
                   query_coords=query_coords, predecessor=predecessor, include_self=include_self, order=order, seed=seed,
                   threads=threads, engine=engine, spark=spark, spark_segments=spark_segments, worker=worker)
    with _CallFolder() as folder:
        # through a worker the inputs are its kept files and the answers go in its folder, read back and deleted
        # here: a repeated call makes and removes no folder of its own
        outputs = ((worker.output_path("i"), worker.output_path("d")) if worker is not None
                   else (folder / "i.npy", folder / "d.npy"))
        try:
            _call(worker, _knn_args(folder, X, k, outputs=outputs, **options), quiet)
            return _load(outputs[0]), _load(outputs[1])
        finally:
            if worker is not None:
                for o in outputs:
                    o.unlink(missing_ok=True)


class _CallFolder:
    """A call's private temporary folder, made the first time a path in it is asked for, removed at the end."""

    def __init__(self):
        self._tmp: Optional[tempfile.TemporaryDirectory] = None

    def __truediv__(self, name: str) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="covertree-")
        return Path(self._tmp.name) / name

    def __enter__(self) -> "_CallFolder":
        return self

    def __exit__(self, *exc) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def _knn_args(folder, X, k, *, outputs, metric="residual", kernel=None, variance=1.0, lengthscale=1.0,
              inducing=256, inducing_method="random", V=None, p=None, model=None, query_ids=None, query_coords=None,
              predecessor=False, include_self=False, order=None, seed=0, threads=None, engine="auto", spark=None,
              spark_segments=1, worker=None):
    """The ``covertree knn`` command line for :func:`knn`'s arguments, writing ``outputs`` (indices, distances),
    its inputs saved in ``folder`` (a :class:`_CallFolder` or a path) unless ``worker`` keeps them."""
    args = ["knn", "--coords", _save(folder, "x", X, worker=worker), "--metric", metric, "--k", str(int(k)),
            "--engine", engine, "--out-indices", str(outputs[0]), "--out-distances", str(outputs[1])]
    if metric == "residual":
        if model is not None:
            args += ["--model", os.fspath(model)]
        else:
            if kernel is None:
                raise _runner.CovertreeUsageError("the residual metric needs kernel=... (or model=, or V= and p=)")
            args += ["--kernel", kernel, "--variance", repr(float(variance)), "--lengthscale", _lengthscale(lengthscale)]
            if V is not None or p is not None:
                if V is None or p is None:
                    raise _runner.CovertreeUsageError("give both V and p, or neither")
                args += ["--v", _save(folder, "v", V, worker=worker), "--p", _save(folder, "p", p, np.float64, worker)]
            else:
                args += ["--inducing", str(int(inducing)), "--inducing-method", inducing_method]
    if (metric == "residual" and model is None and V is None) or order == "random":
        args += ["--seed", str(int(seed))]
    if query_ids is not None:
        args += ["--query-ids", _save(folder, "q", np.asarray(query_ids, dtype=np.int64), worker=worker)]
    elif query_coords is not None:
        args += ["--query-coords", _save(folder, "qc", query_coords, np.asarray(X).dtype)]
    else:
        args += ["--all"]
    if predecessor:
        args += ["--predecessor"]
    if include_self:
        args += ["--include-self"]
    if order is not None and order != "given":
        args += ["--order", order]
    if threads is not None:
        args += ["--threads", str(int(threads))]
    if spark is not None:
        args += ["--spark", spark, "--spark-segments", str(int(spark_segments))]
    return args


def prepare(X: ArrayLike, kernel: str, *, variance: float = 1.0, lengthscale: Union[float, Sequence[float]] = 1.0,
            inducing: int = 256, inducing_method: str = "random", seed: int = 0, v_dtype: str = "f4",
            out_model: Optional[PathLike] = None, threads: Optional[int] = None,
            quiet: bool = False) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """V (N x m), p (N) and the inducing ids (m) of the residual metric, as ``covertree prepare`` makes them:
    m inducing points U, ``L = chol(k(U,U) + 1e-6 variance I)``, ``V = (L^-1 k(U,X))^T``,
    ``p = max(variance - |V_i|^2, 1e-9)``. With ``out_model`` the model bundle is also written there (an .npz
    that :func:`knn` takes as ``model=`` and ``np.load`` reads)."""
    worker = _worker.current()
    with tempfile.TemporaryDirectory(prefix="covertree-") as tmp:
        folder = Path(tmp)
        args = ["prepare", "--coords", _save(folder, "x", X, worker=worker), "--kernel", kernel, "--variance", repr(float(variance)),
                "--lengthscale", _lengthscale(lengthscale), "--inducing", str(int(inducing)), "--inducing-method",
                inducing_method, "--seed", str(int(seed)), "--v-dtype", v_dtype, "--out-v", str(folder / "v.npy"),
                "--out-p", str(folder / "p.npy"), "--out-inducing", str(folder / "u.npy")]
        if out_model is not None:
            args += ["--out-model", os.fspath(out_model)]
        if threads is not None:
            args += ["--threads", str(int(threads))]
        _call(worker, args, quiet)
        return _load(folder / "v.npy"), _load(folder / "p.npy"), _load(folder / "u.npy")


def vecchia_neighbors(X: ArrayLike, k: int = 30, *, order: str = "maxmin", kernel: str = "matern32",
                      quiet: bool = False, **options) -> Tuple[np.ndarray, np.ndarray]:
    """The whole Vecchia job: an ordering of the points and each point's k nearest earlier points under the
    residual-correlation distance (or ``metric="euclidean"``).

    Returns ``(ordering, neighbors)``: ``ordering[t]`` is the original id of the t-th point; ``neighbors[i]``
    the ids (original numbering) of point i's conditioning set, nearest first, -1 where it has fewer than k
    earlier points. For the ordered form GPvecchia and GpGp use (row t for the t-th point, entries as
    positions): ``pos = np.argsort(ordering); nn = np.where(neighbors >= 0, pos[neighbors], -1)[ordering]``.
    ``options`` go to :func:`knn` (variance, lengthscale, inducing, seed, engine, ...).

    Example::

        import numpy as np, covertree
        X = np.random.default_rng(0).uniform(0, 40, size=(100_000, 2))
        order, nn = covertree.vecchia_neighbors(X, k=30, order="maxmin", kernel="matern32",
                                                lengthscale=0.5, inducing=128)
        # Euclidean neighbours, as scipy would give them for the same ordering:
        order_e, nn_e = covertree.vecchia_neighbors(X, k=30, metric="euclidean")
        # GPBoost's default ordering is random: order="random", seed=...
    """
    worker = _worker.current(spark=options.get("spark") is not None)
    with tempfile.TemporaryDirectory(prefix="covertree-") as tmp:
        folder = Path(tmp)
        metric = options.pop("metric", "residual")
        args = _knn_args(folder, X, k, outputs=(folder / "i.npy", folder / "d.npy"), metric=metric,
                         kernel=kernel if metric == "residual" else None, predecessor=True, order=order, worker=worker,
                         **options)
        _call(worker, args + ["--out-order", str(folder / "o.npy")], quiet)
        return _load(folder / "o.npy"), _load(folder / "i.npy")
