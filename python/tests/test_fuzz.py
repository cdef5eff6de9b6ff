"""Seeded fuzzing of the tool's .npy/.npz reading (issue 29): mutated headers (shape, dtype, fortran_order,
header length, magic, version), truncated and oversized bodies, flipped bytes, and .npz archives with wrong
sizes, compression methods, CRCs and names. Every case must end, within 10 s, either with exit 0 and the
answer NumPy's reading of the same file gives (a brute-force k-NN of np.load's array), or with exit 3 and
one line naming the file; never another exit code, a stack trace, a hang or a dead worker.

The cases run through one worker (`covertree serve`), a request each. COVERTREE_FUZZ_CASES sets how many
(default 300 in the test run; the long run: COVERTREE_FUZZ_CASES=10000).
"""
import io
import os
import random
import struct
import time
import zipfile
import zlib

import numpy as np
import pytest

import covertree
from covertree import _worker

CASES = int(os.environ.get("COVERTREE_FUZZ_CASES", "300"))
K = 3


def npy_bytes(a, header=None, version=(1, 0), header_len=None, magic=b"\x93NUMPY"):
    """An .npy image of `a`, with its header text, version, length field or magic replaced when given."""
    if header is None:
        header = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (a.dtype.str, a.shape)
    h = header.encode("latin1")
    lenfmt = "<H" if version[0] == 1 else "<I"
    pre = len(magic) + 2 + struct.calcsize(lenfmt)
    pad = (-(pre + len(h) + 1)) % 64
    h = h + b" " * pad + b"\n"
    n = len(h) if header_len is None else header_len
    return magic + bytes(version) + struct.pack(lenfmt, n & (0xFFFF if version[0] == 1 else 0xFFFFFFFF)) + h + a.tobytes()


def npz_bytes(entry_name, payload, method=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as z:
        z.writestr(entry_name, payload)
    return bytearray(buf.getvalue())


def mutate(rng: random.Random, base: np.ndarray):
    """(kind, bytes, suffix) of one mutated file."""
    op = rng.randrange(12)
    a = base
    if op == 0:  # header fields
        descr = rng.choice(["<f8", "<f4", ">f8", ">f4", "<i8", "<i4", "|u1", "<c16", "<U3", "|b1", "f8", "<f2", "x", "", "<f16"])
        fortran = rng.choice(["False", "True", "0", "1", "None", "'no'"])
        shape = rng.choice([a.shape, (a.shape[0],), (a.shape[0], a.shape[1], 1), (0, 2), (a.shape[0] + 1, 2),
                            (a.shape[0] - 1, 2), (-1, 2), (2 ** 62, 2), (a.shape[1], a.shape[0]), (), "garbage"])
        text = "{'descr': %r, 'fortran_order': %s, 'shape': %r, }" % (descr, fortran, shape)
        if rng.random() < 0.2:
            text = text.replace("'shape'", rng.choice(["'shap'", "'shape', 'shape'", "shape"]))
        if rng.random() < 0.1:
            text = text[:rng.randrange(len(text))]
        return "header", npy_bytes(a, header=text), ".npy"
    if op == 1:  # the header length field
        return "header-length", npy_bytes(a, header_len=rng.choice([0, 1, 10, 63, 70, 118, 200, 4096, 65535])), ".npy"
    if op == 2:  # version and magic
        if rng.random() < 0.5:
            return "version", npy_bytes(a, version=(rng.choice([0, 1, 2, 3, 4, 255]), rng.choice([0, 1]))), ".npy"
        return "magic", npy_bytes(a, magic=bytes(rng.randrange(256) if rng.random() < 0.3 else c for c in b"\x93NUMPY")), ".npy"
    if op == 3:  # flipped header bytes
        b = bytearray(npy_bytes(a))
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(128)] = rng.randrange(256)
        return "header-bytes", bytes(b), ".npy"
    if op == 4:  # truncated
        b = npy_bytes(a)
        return "truncated", b[:rng.randrange(len(b))], ".npy"
    if op == 5:  # oversized
        return "oversized", npy_bytes(a) + bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))), ".npy"
    if op == 6:  # flipped body bytes: other values, perhaps NaN or inf
        b = bytearray(npy_bytes(a))
        for _ in range(rng.randint(1, 3)):
            b[128 + rng.randrange(len(b) - 128)] = rng.randrange(256)
        return "body-bytes", bytes(b), ".npy"
    if op == 7:  # a valid file of another dtype or order
        kind = rng.choice(["f4", "be", "fortran", "int", "3d", "1d"])
        c = {"f4": a.astype("<f4"), "be": a.astype(">f8"), "fortran": np.asfortranarray(a), "int": (a * 10).astype("<i8"),
             "3d": a.reshape(a.shape[0], a.shape[1], 1), "1d": a.ravel()}[kind]
        buf = io.BytesIO()
        np.save(buf, c)
        return "valid-" + kind, buf.getvalue(), ".npy"
    # .npz
    method = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
    z = npz_bytes(rng.choice(["x.npy", "x.npy", "y.npy", "x", "../x.npy"]), npy_bytes(a), method)
    cd = z.rfind(b"PK\x01\x02")
    if op == 8:  # sizes in the local or central header
        where = rng.choice([18, 22, cd + 20, cd + 24])
        struct.pack_into("<I", z, where, rng.choice([0, 1, 100, len(z), 2 ** 31, 2 ** 32 - 1]))
        return "npz-size", bytes(z), ".npz"
    if op == 9:  # compression method
        m = rng.choice([1, 6, 9, 12, 14, 99, 8, 0])
        struct.pack_into("<H", z, rng.choice([8, cd + 10]), m)
        return "npz-method", bytes(z), ".npz"
    if op == 10:  # CRC, name length, offsets
        where = rng.choice([14, cd + 16, 26, cd + 28, cd + 42, len(z) - 6])
        struct.pack_into("<H" if where in (26, cd + 28) else "<I", z, where, rng.randrange(2 ** 16))
        return "npz-field", bytes(z), ".npz"
    b = bytearray(z)  # op 11: flipped or truncated archive
    if rng.random() < 0.5:
        return "npz-truncated", bytes(b[:rng.randrange(len(b))]), ".npz"
    for _ in range(rng.randint(1, 4)):
        b[rng.randrange(len(b))] = rng.randrange(256)
    return "npz-bytes", bytes(b), ".npz"


def numpy_reading(path):
    """np.load's array of the file (the single array of an .npz), or None when NumPy refuses it."""
    try:
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                names = list(loaded.keys())
                return np.array(loaded[names[0]]) if len(names) == 1 else None
        return np.array(loaded)
    except Exception:
        return None


def brute(x, k):
    # scaled by a power of two near the largest magnitude, so that squares neither overflow nor underflow
    # (the tool answers at any magnitude)
    top = np.abs(x).max() if x.size else 0.0
    scale = 2.0 ** np.floor(np.log2(top)) if top > 0 else 1.0
    x = x / scale
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    idx = np.argsort(d, axis=1, kind="stable")[:, :k]
    return idx, np.take_along_axis(d, idx, 1) * scale


def test_mutated_npy_and_npz_files_give_numpys_answer_or_one_line_exit_3(tmp_path):
    rng = random.Random(2029)
    base = np.random.default_rng(5).normal(size=(12, 2))
    seen = {}
    worker = covertree.Worker(idle_timeout=600)
    try:
        for case in range(CASES):
            kind, data, suffix = mutate(rng, base)
            path = tmp_path / f"case{case}{suffix}"
            path.write_bytes(data)
            out_i, out_d = tmp_path / f"i{case}.npy", tmp_path / f"d{case}.npy"
            t0 = time.monotonic()
            code, _, err = worker.request(["knn", "--coords", str(path), "--metric", "euclidean", "--k", str(K), "--all",
                                           "--out-indices", str(out_i), "--out-distances", str(out_d), "--quiet"])
            took = time.monotonic() - t0
            where = f"case {case} ({kind}): exit {code}, {took:.1f} s, stderr {err!r}"
            assert took < 10, where
            assert code in (0, 3), where
            want = numpy_reading(str(path))
            if code == 3:
                lines = err.strip().splitlines()
                assert len(lines) == 1 and lines[0].startswith("covertree: ") and path.name in lines[0], where
                assert not out_i.exists() and not out_d.exists(), where
            else:
                # a 1-d array is N points on a line, as the tool documents
                want = want.reshape(-1, 1) if want is not None and want.ndim == 1 else want
                assert want is not None and want.ndim == 2 and want.dtype.kind == "f", where
                idx, dist = brute(want.astype(np.float64), min(K, len(want) - 1))
                got_i, got_d = np.load(out_i), np.load(out_d)
                assert np.allclose(got_d[:, :idx.shape[1]], dist, rtol=1e-12, atol=0), where
                assert (got_i[:, :idx.shape[1]] == idx).all(), where
                out_i.unlink()
                out_d.unlink()
            path.unlink()
            seen[(kind, code)] = seen.get((kind, code), 0) + 1
    finally:
        worker.close()
    print(f"{CASES} cases:", dict(sorted(seen.items())))
