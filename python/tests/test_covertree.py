import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import covertree
from conftest import ROOT, reference_dir

LAUNCHER = str(ROOT / "covertree")


def cli(*args):
    r = subprocess.run([LAUNCHER, *args, "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r


def call_folders(tmp):
    """What calls left in a temporary folder: anything but a running worker's own folder (socket, log and
    its kept arrays, removed when the worker stops), whose arrays must all be whole .npy files and whose
    folder of answers must be empty (each call deletes its answers once read)."""
    left = []
    for p in tmp.iterdir():
        if p.name.startswith("covertree-worker-"):
            left += [a for a in (p / "arrays").iterdir() if a.suffix != ".npy"]
            left += list((p / "out").iterdir())
        else:
            left.append(p)
    return left


def maxmin_reference(X, lengthscale=1.0):
    """Straightforward O(N^2) max-min ordering, the definition the package documents."""
    X = np.asarray(X, dtype=np.float64) / np.asarray(lengthscale, dtype=np.float64)
    n = len(X)
    centre = (X.min(0) + X.max(0)) / 2
    first = int(np.argmin(((X - centre) ** 2).sum(1)))
    order = [first]
    chosen = np.zeros(n, bool)
    chosen[first] = True
    dmin = ((X - X[first]) ** 2).sum(1)
    for _ in range(1, n):
        cand = np.where(~chosen, dmin, -1.0)
        j = int(np.flatnonzero(cand == cand.max())[0])
        order.append(j)
        chosen[j] = True
        dmin = np.minimum(dmin, ((X - X[j]) ** 2).sum(1))
    return np.array(order)


@pytest.mark.parametrize("case", ["gold-4k", "local-4k", "spatial-8k"])
def test_the_package_gives_the_cli_files_on_reference_cases(case, tmp_path):
    ref = reference_dir()
    if ref is None or not (ref / case).is_dir():
        pytest.skip("no ../shared/reference here")
    d = ref / case
    c = json.loads((d / "case.json").read_text())
    X, V, p = np.load(d / "coords.npy"), np.load(d / "v.npy"), np.load(d / "p.npy")
    ls = ",".join(repr(float(l)) for l in c["lengthscale"])
    cli("knn", "--coords", str(d / "coords.npy"), "--v", str(d / "v.npy"), "--p", str(d / "p.npy"), "--kernel",
        c["kernel"], "--variance", repr(float(c["variance"])), "--lengthscale", ls, "--k", str(c["k"]), "--all",
        "--predecessor", "--out-indices", str(tmp_path / "i.npy"), "--out-distances", str(tmp_path / "d.npy"))
    idx, dist = covertree.knn(X, c["k"], kernel=c["kernel"], variance=c["variance"], lengthscale=c["lengthscale"],
                              V=V, p=p, predecessor=True, quiet=True)
    assert idx.dtype == np.int64 and dist.dtype == np.float64
    np.testing.assert_array_equal(idx, np.load(tmp_path / "i.npy"))
    np.testing.assert_array_equal(dist, np.load(tmp_path / "d.npy"))
    # and the reference's own answer (ties aside, which the reference breaks the same way)
    np.testing.assert_array_equal(idx, np.load(d / "pred_idx.npy"))


def test_euclidean_matches_scipy_and_pads_beyond_n():
    scipy = pytest.importorskip("scipy.spatial")
    X = np.random.default_rng(3).normal(size=(500, 3))
    idx, dist = covertree.knn(X, 6, metric="euclidean", quiet=True)
    d_s, i_s = scipy.cKDTree(X).query(X, k=7)
    np.testing.assert_array_equal(idx, i_s[:, 1:])
    np.testing.assert_allclose(dist, d_s[:, 1:], rtol=1e-12)
    few = X[:4]
    idx, dist = covertree.knn(few, 6, metric="euclidean", quiet=True)
    assert (idx[:, 3:] == -1).all() and np.isinf(dist[:, 3:]).all()


def test_a_quiet_cli_run_prints_nothing_on_stderr(tmp_path):
    X = np.random.default_rng(4).normal(size=(300, 2))
    np.save(tmp_path / "x.npy", X)
    r = subprocess.run([LAUNCHER, "knn", "--coords", str(tmp_path / "x.npy"), "--metric", "euclidean", "--all", "--k", "5",
                        "--out-indices", str(tmp_path / "i.npy"), "--out-distances", str(tmp_path / "d.npy"),
                        "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr == "", "not even the JVM's incubator-module notice"
    r = subprocess.run([LAUNCHER, "knn", "--coords", str(tmp_path / "missing.npy"), "--metric", "euclidean",
                        "--all", "--k", "5", "--out-indices", str(tmp_path / "i2.npy"),
                        "--out-distances", str(tmp_path / "d2.npy"), "--quiet"], capture_output=True, text=True)
    assert r.returncode == 3 and "missing.npy" in r.stderr and "incubator" not in r.stderr


def test_extreme_magnitudes_give_the_scaled_answer_or_an_input_error():
    X = np.random.default_rng(6).normal(size=(400, 3))
    idx, dist = covertree.knn(X, 5, metric="euclidean", quiet=True)
    for e in (531, -531, 997):
        i_s, d_s = covertree.knn(np.ldexp(X, e), 5, metric="euclidean", quiet=True)
        np.testing.assert_array_equal(i_s, idx)
        np.testing.assert_array_equal(d_s, np.ldexp(dist, e))
    far = X.copy()
    far[0, 0], far[1, 0] = -1.5e308, 1.5e308
    with pytest.raises(covertree.InputDataError, match="beyond float64's range"):
        covertree.knn(far, 399, metric="euclidean", quiet=True)


def test_an_input_truncated_mid_run_is_one_line_not_a_crash(tmp_path):
    x = tmp_path / "x.npy"
    np.save(x, np.random.default_rng(7).normal(size=(1 << 21, 3)))
    subprocess.run([LAUNCHER, "--version"], capture_output=True, check=True)  # any build happens here, not below
    # the one-at-a-time scan of 2^21 points runs for hours: the truncation surely lands mid-run
    job = subprocess.Popen([LAUNCHER, "knn", "--coords", str(x), "--metric", "euclidean", "--engine", "scan", "--k", "5",
                            "--all", "--out-indices", str(tmp_path / "i.npy"), "--out-distances",
                            str(tmp_path / "d.npy"), "--quiet"], stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    with open(x, "r+b") as f:
        f.truncate(4096)
    _, err = job.communicate(timeout=120)
    assert job.returncode == 3, err
    assert err.startswith("covertree: ") and len(err.strip().splitlines()) == 1, err
    assert "memory-mapped" in err
    assert not (tmp_path / "i.npy").exists() and not (tmp_path / "d.npy").exists()


def test_outputs_are_absent_or_whole_after_concurrent_writers_and_a_kill(tmp_path):
    x = tmp_path / "x.npy"
    np.save(x, np.random.default_rng(8).normal(size=(200000, 3)))
    i, d = tmp_path / "i.npy", tmp_path / "d.npy"
    expected, dexpected = covertree.knn(np.load(x), 10, metric="euclidean", quiet=True)
    args = [LAUNCHER, "knn", "--coords", str(x), "--metric", "euclidean", "--k", "10", "--all",
            "--out-indices", str(i), "--out-distances", str(d), "--force", "--quiet"]
    subprocess.run([LAUNCHER, "--version"], capture_output=True, check=True)  # any build happens here
    # two runs writing the same paths at once: each writes under its own temporary name and renames when whole
    runs = [subprocess.Popen(args, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for r in runs:
        _, err = r.communicate(timeout=300)
        assert r.returncode == 0, err
    assert np.load(i).tobytes() == expected.tobytes() and np.load(d).tobytes() == dexpected.tobytes()
    # SIGKILL while a larger job searches and writes: the earlier files stay as they were, whole
    big = tmp_path / "big.npy"
    np.save(big, np.random.default_rng(9).normal(size=(1 << 21, 3)))
    job = subprocess.Popen([a if a != str(x) else str(big) for a in args], stderr=subprocess.PIPE, text=True)
    # its outputs exist (under temporary names) from before the tree is built until the answer is committed: kill
    # it a moment into that window, not after a fixed time, which a fast machine had already finished the job in
    deadline = time.time() + 120
    while len(list(tmp_path.glob(".*.partial"))) < 2 and job.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert job.poll() is None, "the job ended before it could be killed mid-run"
    job.send_signal(signal.SIGKILL)
    job.communicate(timeout=60)
    assert np.load(i).tobytes() == expected.tobytes() and np.load(d).tobytes() == dexpected.tobytes()


def test_out_of_heap_is_one_line_that_says_what_to_change(tmp_path):
    x = tmp_path / "x.npy"
    np.save(x, np.random.default_rng(10).uniform(0, 40, size=(1 << 22, 1)))
    subprocess.run([LAUNCHER, "--version"], capture_output=True, check=True)  # any build happens here
    # an ordering's permutation lives on the heap, 8 bytes a point: 2^22 points' alone fill 32 MB
    r = subprocess.run([LAUNCHER, "knn", "--coords", str(x), "--metric", "euclidean", "--k", "5", "--all",
                        "--predecessor", "--order", "maxmin", "--out-indices", str(tmp_path / "i.npy"),
                        "--out-distances", str(tmp_path / "d.npy"), "--quiet"],
                       capture_output=True, text=True, env=dict(os.environ, COVERTREE_JAVA_OPTS="-Xmx32m"))
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("covertree: out of memory") and "-Xmx" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "i.npy").exists() and not (tmp_path / "d.npy").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_is_one_line_exit_1_before_the_work_and_leaves_no_output(tmp_path):
    x = tmp_path / "x.npy"
    np.save(x, np.random.default_rng(0).normal(size=(50000, 2)))
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        t0 = time.time()
        r = subprocess.run([LAUNCHER, "knn", "--coords", str(x), "--metric", "euclidean", "--k", "10", "--all",
                            "--out-indices", str(disk / "i.npy"), "--out-distances", str(disk / "d.npy"), "--quiet"],
                           capture_output=True, text=True)
        assert r.returncode == 1, r.stderr
        assert r.stderr.count("\n") == 1 and "no space left" in r.stderr and str(disk / "i.npy") in r.stderr, r.stderr
        assert "another file system" in r.stderr, "the line says what to change"
        assert list(disk.iterdir()) == [], "no output and no temporary file"
        # what fits is written whole
        cli("knn", "--coords", str(x), "--metric", "euclidean", "--k", "1", "--all",
            "--out-indices", str(disk / "i.npy"), "--out-distances", str(disk / "d.npy"))
        assert np.load(disk / "i.npy").shape == (50000, 1)
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_errors_become_python_exceptions_with_the_cli_message(private_tmp):
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match="--k must be >= 1"):
        covertree.knn(X, 0, metric="euclidean", quiet=True)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(covertree.InputDataError, match="NaN at index"):
        covertree.knn(bad, 3, metric="euclidean", quiet=True)
    with pytest.raises(covertree.CovertreeUsageError, match="kernel"):
        covertree.knn(X, 3, quiet=True)
    assert call_folders(private_tmp) == [], "no temporary file survives a failure"


def test_orderings_random_is_seeded_and_maxmin_is_exact_with_ties(private_tmp):
    rng = np.random.default_rng(1)
    grid = rng.integers(0, 7, size=(300, 2)).astype(np.float64)  # duplicates and equal distances
    order, nn = covertree.vecchia_neighbors(grid, k=4, order="maxmin", metric="euclidean", quiet=True)
    np.testing.assert_array_equal(order, maxmin_reference(grid))
    pos = np.argsort(order)
    for i in range(len(grid)):
        prev = order[:pos[i]]
        want = sorted(zip(np.sqrt(((grid[prev] - grid[i]) ** 2).sum(1)), pos[prev]))[:4]
        got = [pos[j] for j in nn[i] if j >= 0]
        assert got == [w[1] for w in want]
    ls = [0.5, 2.0]
    o2, _ = covertree.vecchia_neighbors(grid, k=4, order="maxmin", lengthscale=ls, inducing=20, quiet=True)
    np.testing.assert_array_equal(o2, maxmin_reference(grid, ls))
    r1, _ = covertree.vecchia_neighbors(grid, k=4, order="random", seed=5, metric="euclidean", quiet=True)
    r2, _ = covertree.vecchia_neighbors(grid, k=4, order="random", seed=5, metric="euclidean", quiet=True)
    r3, _ = covertree.vecchia_neighbors(grid, k=4, order="random", seed=6, metric="euclidean", quiet=True)
    np.testing.assert_array_equal(r1, r2)
    assert not np.array_equal(r1, r3) and sorted(r1) == list(range(300))
    assert call_folders(private_tmp) == [], "no temporary file survives a call"


def test_prepare_and_a_model_bundle_give_the_same_neighbours(tmp_path):
    X = np.random.default_rng(2).uniform(0, 10, size=(400, 2))
    V, p, ids = covertree.prepare(X, "matern32", lengthscale=0.7, inducing=30, out_model=tmp_path / "m.npz", quiet=True)
    assert V.shape == (400, 30) and p.shape == (400,) and ids.shape == (30,)
    a, _ = covertree.knn(X, 5, kernel="matern32", lengthscale=0.7, V=V, p=p, predecessor=True, quiet=True)
    b, _ = covertree.knn(X, 5, model=tmp_path / "m.npz", predecessor=True, quiet=True)
    np.testing.assert_array_equal(a, b)
    z = np.load(tmp_path / "m.npz")
    assert bytes(z["kernel"]).decode() == "matern32" and z["lengthscale"][0] == 0.7


def test_the_spark_job_returns_the_same_arrays():
    X = np.random.default_rng(4).uniform(0, 10, size=(600, 2))
    V, p, _ = covertree.prepare(X, "matern32", lengthscale=0.7, inducing=20, quiet=True)
    a, da = covertree.knn(X, 6, kernel="matern32", lengthscale=0.7, V=V, p=p, predecessor=True, quiet=True)
    b, db = covertree.knn(X, 6, kernel="matern32", lengthscale=0.7, V=V, p=p, predecessor=True, spark="local[2]",
                          spark_segments=3, quiet=True)
    np.testing.assert_array_equal(a, b)
    assert da.tobytes() == db.tobytes()
    with pytest.raises(covertree.CovertreeUsageError, match="--v and --p"):
        covertree.knn(X, 6, kernel="matern32", lengthscale=0.7, spark="local[1]", quiet=True)


def executor_pids(cluster):
    """The executor JVMs the workers of the cluster in folder `cluster` started."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "CoarseGrainedExecutorBackend" in cmd and str(cluster) in cmd:
            pids.append(int(proc.name))
    return pids


def executor_running_a_task(cluster, logs):
    """The pid of an executor JVM of the cluster in folder `cluster` that runs a task now: its log (one of `logs`,
    the stderr files in the executors' folders, each executor's working directory) names more tasks started than
    finished. None if there is none."""
    for log in logs:
        text = log.read_text(errors="replace")
        if text.count("Running task") > text.count("Finished task"):
            for pid in executor_pids(cluster):
                try:
                    if Path(f"/proc/{pid}/cwd").resolve() == log.parent.resolve():
                        return pid
                except OSError:
                    continue
    return None


def test_a_standalone_cluster_returns_the_local_files_even_after_losing_an_executor(tmp_path):
    """Separate master, worker and executor JVMs (bench/spark_cluster.sh), which have Spark's jars only: the job
    ships its own, and the files equal the local run's byte for byte, also when an executor is killed while
    its tasks run (Spark starts another and runs them again)."""
    script = str(ROOT / "bench" / "spark_cluster.sh")
    cluster = tmp_path / "cluster"
    started = subprocess.run(["bash", script, "start", str(cluster), "2"], capture_output=True, text=True)
    try:
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip().splitlines()[-1]
        assert url.startswith("spark://127.0.0.1:")
        X = np.random.default_rng(5).uniform(0, 10, size=(3000, 2))
        V, p, _ = covertree.prepare(X, "matern32", lengthscale=0.7, inducing=20, quiet=True)
        for kw in (dict(metric="euclidean"),
                   dict(kernel="matern32", lengthscale=0.7, V=V, p=p, predecessor=True, spark_segments=3)):
            a, da = covertree.knn(X, 8, quiet=True, **kw)
            b, db = covertree.knn(X, 8, spark=url, quiet=True, **kw)
            assert a.tobytes() == b.tobytes() and da.tobytes() == db.tobytes()
        assert any(cluster.glob("work-*/app-*/*/stderr")), "the tasks ran in executor JVMs the workers started"

        # the way cluster users submit jobs: Spark's submit client, inputs and the table as Hadoop URIs
        for name, arr in (("x", X), ("v", V), ("p", p)):
            np.save(tmp_path / f"{name}.npy", arr)
        a, da = covertree.knn(X, 8, kernel="matern32", lengthscale=0.7, V=V, p=p, predecessor=True, quiet=True)
        uri = (tmp_path).as_uri()
        submitted = subprocess.run(
            ["bash", str(ROOT / "bench" / "spark_submit.sh"), url, "--coords", f"{uri}/x.npy", "--v", f"{uri}/v.npy",
             "--p", f"{uri}/p.npy", "--kernel", "matern32", "--lengthscale", "0.7", "--k", "8", "--all", "--predecessor",
             "--spark-segments", "2", "--out-indices", str(tmp_path / "si.npy"), "--out-distances",
             str(tmp_path / "sd.npy"), "--out-parquet", f"{uri}/table.parquet", "--quiet"], capture_output=True, text=True)
        assert submitted.returncode == 0, submitted.stderr
        assert np.load(tmp_path / "si.npy").tobytes() == a.tobytes()
        assert np.load(tmp_path / "sd.npy").tobytes() == da.tobytes()
        assert (tmp_path / "table.parquet" / "_SUCCESS").exists() and any((tmp_path / "table.parquet").glob("*.parquet"))

        Y = np.random.default_rng(6).normal(size=(400000, 3))
        np.save(tmp_path / "y.npy", Y)
        local, dlocal = covertree.knn(Y, 10, metric="euclidean", quiet=True)
        out = [str(tmp_path / "i.npy"), str(tmp_path / "d.npy")]
        earlier = set(cluster.glob("work-*/app-*/*/stderr"))
        job = subprocess.Popen([LAUNCHER, "knn", "--coords", str(tmp_path / "y.npy"), "--metric", "euclidean", "--k", "10",
                                "--all", "--spark", url, "--spark-segments", "4", "--out-indices", out[0],
                                "--out-distances", out[1], "--quiet"], stderr=subprocess.PIPE, text=True)
        # the executor killed is one running a task at that moment, so that the job cannot end without noticing
        deadline = time.time() + 120
        victim = None
        while time.time() < deadline and job.poll() is None and victim is None:
            victim = executor_running_a_task(cluster, set(cluster.glob("work-*/app-*/*/stderr")) - earlier)
            time.sleep(0.05)
        assert victim, "an executor runs a task"
        os.kill(victim, signal.SIGKILL)
        _, err = job.communicate(timeout=600)
        assert job.returncode == 0, err
        # Spark words it "Lost executor N on HOST" or, when the worker reported the death first, "Lost an executor N
        # (already removed)"; either way the job went on without it
        assert re.search(r"Lost (an )?executor", err), err
        assert np.load(out[0]).tobytes() == local.tobytes() and np.load(out[1]).tobytes() == dlocal.tobytes()
    finally:
        subprocess.run(["bash", script, "stop", str(cluster)], check=True)


def test_ctrl_c_stops_the_tool_and_leaves_no_temporary_file(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    script = (
        "import numpy as np, covertree\n"
        "X = np.random.default_rng(0).normal(size=(400000, 3))\n"
        "covertree.knn(X, 30, metric='euclidean', engine='scan', quiet=True)\n")
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT / "python"))
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not any(tmp.iterdir()):
        time.sleep(0.2)
    time.sleep(3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert b"KeyboardInterrupt" in err
    assert list(tmp.iterdir()) == [], "the private folder is removed after Ctrl-C"


# -- the worker behind the package (issue 27) ----------------------------------------------------------------

def one_shot(monkeypatch, f):
    """f() as a process of its own per call (the tool as it runs without a worker)."""
    with monkeypatch.context() as m:
        m.setenv("COVERTREE_WORKER", "0")
        return f()


def test_repeated_worker_calls_with_a_changing_lengthscale_equal_fresh_processes(monkeypatch):
    X = np.random.default_rng(7).uniform(0, 20, size=(3000, 2))
    ids = np.random.default_rng(8).choice(3000, 200, replace=False)
    with covertree.Worker() as w:
        for ell in (0.3, 0.5, 1.0, 0.5, 0.3):
            for job in (dict(predecessor=True), dict(query_ids=ids), dict(predecessor=True, order="maxmin")):
                call = lambda: covertree.knn(X, 8, kernel="matern32", lengthscale=ell, inducing=40, quiet=True, **job)
                i, d = call()
                fi, fd = one_shot(monkeypatch, call)
                assert i.tobytes() == fi.tobytes() and d.tobytes() == fd.tobytes(), (ell, job)
        pid = w.pid
        for _ in range(3):  # the same data again: the worker's kept inputs and trees
            i, d = covertree.knn(X, 8, metric="euclidean", query_ids=ids, quiet=True)
        fi, fd = one_shot(monkeypatch, lambda: covertree.knn(X, 8, metric="euclidean", query_ids=ids, quiet=True))
        assert i.tobytes() == fi.tobytes() and d.tobytes() == fd.tobytes()
        assert w.pid == pid, "one worker served every call"
        X[5] += 1.0  # the caller changes the array in place: the next call sees the new points
        i2, _ = covertree.knn(X, 8, metric="euclidean", query_ids=ids, quiet=True)
        f2, _ = one_shot(monkeypatch, lambda: covertree.knn(X, 8, metric="euclidean", query_ids=ids, quiet=True))
        assert i2.tobytes() == f2.tobytes()
    assert w.pid is None


def test_threads_calling_one_worker_at_once_each_get_their_own_answers(monkeypatch):
    # a call's answers are named after its thread (a repeated call is then the same command line): threads whose
    # calls overlap must not read each other's
    X = np.random.default_rng(4).normal(size=(3000, 3))
    ks = (3, 5, 7, 9)
    want = {k: one_shot(monkeypatch, lambda k=k: covertree.knn(X, k, metric="euclidean", quiet=True)) for k in ks}
    wrong = []

    def calls(k):
        for _ in range(6):
            i, d = covertree.knn(X, k, metric="euclidean", quiet=True)
            if i.tobytes() != want[k][0].tobytes() or d.tobytes() != want[k][1].tobytes():
                wrong.append(k)

    with covertree.Worker():
        threads = [threading.Thread(target=calls, args=(k,)) for k in ks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not wrong


def test_a_file_rewritten_in_place_is_read_again_by_the_worker(tmp_path):
    rng = np.random.default_rng(3)
    path = tmp_path / "x.npy"
    np.save(path, rng.normal(size=(2000, 3)))
    with covertree.Worker():
        a, _ = covertree.knn(np.load(path, mmap_mode="r"), 5, metric="euclidean", quiet=True)
        np.save(path, rng.normal(size=(2000, 3)))  # same name, size and shape, new points
        b, _ = covertree.knn(np.load(path, mmap_mode="r"), 5, metric="euclidean", quiet=True)
        want, _ = covertree.knn(np.load(path), 5, metric="euclidean", quiet=True)
    assert not np.array_equal(a, b) and np.array_equal(b, want)


def worker_of(script_lines, tmp):
    """A Python process running the script with the package, its stdout lines read as they come."""
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT / "python"))
    env.pop("COVERTREE_WORKER", None)
    return subprocess.Popen([sys.executable, "-u", "-c", "\n".join(script_lines)], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (ended, not yet reaped by its parent) counts as gone
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


def test_two_python_processes_each_get_their_own_worker_which_ends_with_them(tmp_path):
    script = ["import numpy as np, sys, covertree", "from covertree import _worker",
              "X = np.random.default_rng(0).normal(size=(500, 2))",
              "covertree.knn(X, 3, metric='euclidean', quiet=True)",
              "print(_worker.current().pid, flush=True)", "sys.stdin.readline()"]
    procs = [worker_of(script, tmp_path) for _ in range(2)]
    pids = [int(p.stdout.readline()) for p in procs]
    assert pids[0] != pids[1] and all(alive(w) for w in pids)
    procs[0].kill()  # no atexit: the worker notices its parent is gone
    procs[1].stdin.close()  # a normal end: the package stops its worker
    for p in procs:
        p.wait(timeout=30)
    deadline = time.time() + 20
    while time.time() < deadline and any(alive(w) for w in pids):
        time.sleep(0.2)
    assert not any(alive(w) for w in pids), "each worker ends with its parent"


def test_an_idle_worker_stops_and_the_next_call_starts_another():
    X = np.random.default_rng(0).normal(size=(500, 2))
    with covertree.Worker(idle_timeout=1) as w:
        a, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        first = w.pid
        deadline = time.time() + 20
        while time.time() < deadline and alive(first):
            time.sleep(0.2)
        assert not alive(first), "an idle worker stops"
        b, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        assert w.pid not in (None, first) and np.array_equal(a, b)


def test_a_worker_gone_while_a_call_is_prepared_answers_it_from_a_fresh_process_in_the_same_folder():
    # a call saves its arrays and names its answers in the worker's folder before it connects; a worker that
    # ends (idle) or stops listening in between must leave those files where the request says they are
    X = np.random.default_rng(0).normal(size=(500, 2))
    with covertree.Worker() as w:
        want, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        folder, kept = w._dir, w.array_file(X)
        ended = w.pid
        os.kill(ended, signal.SIGKILL)
        deadline = time.time() + 20
        while time.time() < deadline and w.pid is not None:  # reaped (its threads all gone), not only a zombie
            time.sleep(0.05)
        got, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        assert np.array_equal(got, want) and w.pid not in (None, ended)
        assert w._dir == folder and os.path.isfile(kept), "the same folder, its kept arrays still there"
        closing = w.pid
        os.unlink(w._socket())  # still running, no longer reachable: as a worker between its idle exit and its end
        got, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        assert np.array_equal(got, want) and w.pid not in (None, closing) and w._dir == folder


LONG_JOB = dict(metric="euclidean", engine="scan", quiet=True)  # O(N^2): seconds at N = 60000
LONG_X = np.random.default_rng(0).normal(size=(60000, 3))


def test_a_killed_worker_fails_the_call_clearly_and_the_next_call_starts_a_new_one():
    import threading
    X = np.random.default_rng(0).normal(size=(500, 2))
    with covertree.Worker() as w:
        want, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        victim = w.pid
        threading.Timer(1.5, os.kill, (victim, signal.SIGKILL)).start()
        with pytest.raises(covertree.CovertreeError, match="worker .* stopped during the call"):
            covertree.knn(LONG_X, 5, **LONG_JOB)
        got, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        assert w.pid not in (None, victim) and np.array_equal(got, want)


def test_ctrl_c_during_a_worker_call_leaves_no_temporary_file_and_a_usable_worker(private_tmp):
    import threading
    X = np.random.default_rng(0).normal(size=(500, 2))
    main = threading.main_thread().ident
    with covertree.Worker() as w:
        want, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        pid = w.pid
        threading.Timer(1.5, signal.pthread_kill, (main, signal.SIGINT)).start()
        t0 = time.time()
        with pytest.raises(KeyboardInterrupt):
            covertree.knn(LONG_X, 5, **LONG_JOB)
        assert time.time() - t0 < 30
        assert call_folders(private_tmp) == []
        got, _ = covertree.knn(X, 3, metric="euclidean", quiet=True)
        assert w.pid == pid and np.array_equal(got, want), "the same worker answers the next call"
    assert list(private_tmp.iterdir()) == [], "the worker's folder goes with it"


def test_another_user_cannot_connect_to_a_worker(tmp_path):
    import socket
    import stat
    with covertree.Worker() as w:
        covertree.knn(np.zeros((3, 2)), 1, metric="euclidean", quiet=True)
        folder = w._socket().parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        if os.geteuid() == 0:
            probe = ("import socket, sys\ns = socket.socket(socket.AF_UNIX)\n"
                     f"try:\n    s.connect({str(w._socket())!r})\nexcept OSError as e:\n    sys.exit(7)\nsys.exit(0)")
            # an interpreter user nobody may run (a pyenv one under /root is not)
            python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
            r = subprocess.run([python, "-c", probe], user=65534, group=65534, cwd="/")
            assert r.returncode == 7, "user nobody could connect"
    # and the worker refuses a folder others may enter
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    r = subprocess.run([LAUNCHER, "serve", "--socket", str(shared / "s")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "mode 0700" in r.stderr, r.stderr


def test_small_answers_read_back_as_numpy_reads_them(tmp_path):
    from covertree import api
    cases = [np.arange(30, dtype=np.int64).reshape(3, 10), np.random.default_rng(12).random((5, 7)),
             np.zeros((0, 4)), np.arange(6, dtype=np.int32).reshape(2, 3), np.ones((2, 3, 4)),
             np.asfortranarray(np.random.default_rng(13).random((4, 6)))]
    for a in cases:
        np.save(tmp_path / "a.npy", a)
        b = api._read_answer(tmp_path / "a.npy")
        assert b.dtype == a.dtype and b.shape == a.shape and (b == a).all() and b.flags.writeable
    # a file cut short is refused as np.load refuses it, never read as a shorter answer
    np.save(tmp_path / "a.npy", cases[0])
    data = (tmp_path / "a.npy").read_bytes()
    (tmp_path / "a.npy").write_bytes(data[:-8])
    with pytest.raises(ValueError):
        api._read_answer(tmp_path / "a.npy")
