"""A long-lived ``covertree serve`` process per Python process: later calls skip the JVM's start, reuse its
compiled code, and the inputs and trees it keeps (by file identity and settings).

The protocol is the tool's (docs/worker.md): one request per connection over a Unix-domain socket in a
private (0700) folder; the reply is text frames and the exit code. Closing the sending side cancels the
running command (Ctrl-C does that); a worker that dies mid-call makes the call raise, and the next call
starts a fresh one.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _runner
from .errors import CovertreeError

#: Environment variable: ``0`` (or ``off``, ``false``, ``no``) runs every call as a one-shot process.
WORKER_VARIABLE = "COVERTREE_WORKER"
_MAGIC = b"CTW1"
_EXIT_CANCELLED = 130


class Worker:
    """One ``covertree serve`` process, started on first use and stopped by :meth:`close` (or when this
    process ends, or after ``idle_timeout`` seconds without a call).

    Used as a context manager, the calls inside the block go to this worker::

        with covertree.Worker(cache_memory="8g") as w:
            for ell in (0.3, 0.5, 1.0):
                idx, dist = covertree.knn(X, 30, kernel="matern32", lengthscale=ell, predecessor=True)

    Outside any block, calls use a default worker of this process (``COVERTREE_WORKER=0`` turns that off).
    Arrays given to it are saved once per content in the worker's private folder (a later call's array is
    compared with the kept files byte for byte), so a repeated call finds the worker's kept inputs and trees;
    ``array_memory`` bounds the bytes of those files. Answers are written in that folder too, read back and
    deleted within the call.
    """

    def __init__(self, *, idle_timeout: float = 600, cache_memory: Optional[str] = None,
                 array_memory: int = 1 << 30, start_timeout: float = 900):
        self.idle_timeout = idle_timeout
        self.cache_memory = cache_memory
        self.array_memory = array_memory
        self.start_timeout = start_timeout
        self._lock = threading.RLock()
        self._proc: Optional[subprocess.Popen] = None
        self._dir: Optional[Path] = None
        self._owner = os.getpid()
        self._arrays: Dict[tuple, List["_KeptArray"]] = {}
        self._saved = 0

    # -- life cycle ---------------------------------------------------------------------------------------
    @property
    def pid(self) -> Optional[int]:
        """The worker process's id, or None when it is not running."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def start(self) -> "Worker":
        """Starts the worker process unless it runs; returns self."""
        with self._lock:
            if self._owner != os.getpid():  # a forked child: the parent's worker is not ours
                self._proc, self._dir, self._arrays, self._owner = None, None, {}, os.getpid()
            if self._proc is not None and self._proc.poll() is None:
                return self
            if self._dir is None or not self._dir.is_dir():
                self._discard()
                self._dir = Path(tempfile.mkdtemp(prefix="covertree-worker-"))  # mode 0700
                (self._dir / "arrays").mkdir()
                (self._dir / "out").mkdir()
            # else one that ended between calls (idle): a fresh process in its folder, where a call being
            # prepared may have saved its arrays and named its answers already
            return self._launch()

    def _launch(self) -> "Worker":
        """Starts the worker process in the current folder and waits until it answers."""
        with self._lock:
            cmd = [str(_runner.project_home() / "covertree"), "serve", "--socket", str(self._socket()),
                   "--parent-pid", str(os.getpid()), "--idle-exit", str(int(self.idle_timeout))]
            if self.cache_memory is not None:
                cmd += ["--cache-memory", str(self.cache_memory)]
            with open(self._dir / "log", "wb") as log:
                self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                              start_new_session=True)  # Ctrl-C in a terminal is for us, not it
            deadline = time.monotonic() + self.start_timeout
            while True:
                if self._proc.poll() is not None:
                    log = self._log()
                    self._discard()
                    raise CovertreeError(f"the covertree worker did not start: {_runner._message(log)}")
                try:
                    with self._connect():
                        return self
                except OSError:
                    if time.monotonic() > deadline:
                        self._discard()
                        raise CovertreeError(f"the covertree worker did not start within {self.start_timeout:.0f} s")
                    time.sleep(0.02)

    def close(self) -> None:
        """Stops the worker and removes its folder (the next call through it starts a new one)."""
        with self._lock:
            self._discard()

    def __enter__(self) -> "Worker":
        self.start()
        _stack.append(self)
        return self

    def __exit__(self, *exc) -> None:
        if self in _stack:
            _stack.remove(self)
        self.close()

    def _discard(self) -> None:
        proc, folder = self._proc, self._dir
        self._proc, self._dir, self._arrays = None, None, {}
        if proc is not None and self._owner == os.getpid():
            _runner.stop(proc, 10)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _socket(self) -> Path:
        assert self._dir is not None
        return self._dir / "socket"

    def _connect(self) -> socket.socket:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(str(self._socket()))
        except OSError:
            s.close()
            raise
        return s

    def _log(self) -> List[str]:
        try:
            return (self._dir / "log").read_text(errors="replace").splitlines() if self._dir else []
        except OSError:
            return []

    # -- arrays -------------------------------------------------------------------------------------------
    def array_file(self, arr: np.ndarray) -> Optional[str]:
        """The worker's file of this array's content (saved on first use), or None when it is larger than
        ``array_memory`` (the caller then writes it for this call only).

        A kept file is found again by the array's dtype, shape and a digest of a sample of its elements, and
        taken only when its content equals the array's, byte for byte (compared with the file mapped: a small
        part of what hashing every byte costs); an array that differs from it gets a file of its own."""
        with self._lock:
            self.start()
            arr = np.ascontiguousarray(arr)
            if arr.nbytes > self.array_memory:
                return None
            key = _sample_key(arr)
            for kept in self._arrays.get(key, ()):
                if _same_bytes(arr, kept.mapped) and Path(kept.path).is_file():
                    kept.used = time.monotonic()
                    return kept.path
            self._saved += 1
            path = self._dir / "arrays" / f"{self._saved}.npy"
            tmp = path.with_suffix(".tmp")
            with open(tmp, "wb") as f:
                np.save(f, arr)
            os.replace(tmp, path)
            mapped = np.load(path, mmap_mode="r") if arr.nbytes else np.load(path)  # an empty file cannot be mapped
            new = _KeptArray(str(path), mapped)
            self._arrays.setdefault(key, []).append(new)
            self._trim_arrays(keep=new)
            return new.path

    def _trim_arrays(self, keep: "_KeptArray") -> None:
        kept = [(k, a) for k, files in self._arrays.items() for a in files]
        total = sum(a.mapped.nbytes for _, a in kept)
        for k, a in sorted(kept, key=lambda e: e[1].used):
            if total <= self.array_memory:
                break
            if a is not keep:
                self._arrays[k].remove(a)
                if not self._arrays[k]:
                    del self._arrays[k]
                Path(a.path).unlink(missing_ok=True)
                total -= a.mapped.nbytes

    def output_path(self, name: str) -> Path:
        """The path in the worker's folder of this thread's output ``name`` (the caller deletes it once read).

        The same for every call of a thread (one thread's calls never overlap; other threads have paths of
        their own), so that a repeated call sends the worker the same command line, which it then runs
        without parsing it again."""
        with self._lock:
            self.start()
            return self._dir / "out" / f"{threading.get_ident()}-{name}.npy"

    # -- calls --------------------------------------------------------------------------------------------
    def run(self, args: Sequence[str], quiet: bool) -> str:
        """Runs ``covertree ARGS`` in the worker; returns its standard output, raises as a one-shot run would."""
        code, out, err = self.request(list(args) + (["--quiet"] if quiet else []), quiet)
        return _runner.result(code, out, err.splitlines())

    def request(self, args: Sequence[str], quiet: bool = True) -> Tuple[int, str, str]:
        """One command's exit code, standard output and standard error, as the worker replied (its standard
        error also echoed to ours unless quiet). Raises CovertreeError when the worker dies during it."""
        with self._lock:
            self.start()
            try:
                sock = self._connect()
            except OSError:
                # it is stopping (idle) while this call saved its arrays and named its answers in the folder:
                # a fresh process in the same folder, where those files are
                if self._proc is not None:
                    _runner.stop(self._proc, 10)
                self._launch()
                sock = self._connect()
            with sock:
                payload = [_MAGIC, struct.pack(">i", len(args))]
                for a in args:
                    b = a.encode()
                    payload += [struct.pack(">i", len(b)), b]
                sock.sendall(b"".join(payload))
                out: List[str] = []
                err: List[str] = []
                try:
                    code = self._replies(sock, out, err, quiet)
                except KeyboardInterrupt:
                    self._cancel(sock)
                    raise
            if code is None:
                pid = self._proc.pid if self._proc is not None else None
                status = self._proc.poll() if self._proc is not None else None
                self._discard()
                raise CovertreeError(f"the covertree worker (pid {pid}) stopped during the call"
                                     f"{'' if status is None else f' (exit status {status})'}; the next call starts a new one")
        return code, "".join(out), "".join(err)

    @staticmethod
    def _replies(sock: socket.socket, out: List[str], err: List[str], quiet: bool,
                 deadline: Optional[float] = None) -> Optional[int]:
        """Reads frames until the exit code (returned), or None when the connection ends first (or the
        deadline passes). Reads time out often so that Ctrl-C is seen at once."""
        sock.settimeout(0.2)
        buf = b""
        while True:
            while len(buf) >= 5:
                kind, n = buf[0:1], struct.unpack(">i", buf[1:5])[0]
                if len(buf) < 5 + n:
                    break
                body, buf = buf[5:5 + n], buf[5 + n:]
                if kind == b"X":
                    return struct.unpack(">i", body)[0]
                text = body.decode("utf-8", errors="replace")
                if kind == b"O":
                    out.append(text)
                else:
                    err.append(text)
                    if not quiet:
                        sys.stderr.write(text)
                        sys.stderr.flush()
            try:
                chunk = sock.recv(1 << 16)
            except socket.timeout:
                if deadline is not None and time.monotonic() > deadline:
                    return None
                continue
            except OSError:
                return None
            if not chunk:
                return None
            buf += chunk

    def _cancel(self, sock: socket.socket) -> None:
        """After Ctrl-C: tells the worker to stop the command and waits (a little) until it has, so that it
        writes nothing more into the call's folder; a worker that does not answer is stopped."""
        try:
            sock.shutdown(socket.SHUT_WR)
            code = self._replies(sock, [], [], True, deadline=time.monotonic() + 30)
        except (OSError, KeyboardInterrupt):
            code = None
        if code is None:
            self._discard()


class _KeptArray:
    """A kept input file, mapped for comparisons, and when a call last used it."""

    def __init__(self, path: str, mapped: np.ndarray):
        self.path = path
        self.mapped = mapped
        self.used = time.monotonic()


#: Elements of an array the key of a kept file is computed from (evenly spaced).
_SAMPLE = 4096


def _sample_key(arr: np.ndarray) -> tuple:
    """dtype, shape and a digest of up to _SAMPLE evenly spaced elements: what finds a kept file to compare with."""
    flat = arr.reshape(-1)
    sample = np.ascontiguousarray(flat[::max(1, flat.size // _SAMPLE)])
    return arr.dtype.str, arr.shape, hashlib.sha256(memoryview(sample).cast("B")).hexdigest()


def _same_bytes(a: np.ndarray, b: np.ndarray) -> bool:
    """True when the two arrays (same dtype and shape, C-contiguous) hold the same bytes (so NaNs compare equal)."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    unsigned = np.dtype(f"u{a.itemsize}") if a.itemsize in (1, 2, 4, 8) else np.dtype(np.uint8)
    return bool(np.array_equal(a.reshape(-1).view(unsigned), b.reshape(-1).view(unsigned)))


_stack: List[Worker] = []
_default: Optional[Worker] = None


def current(spark: bool = False) -> Optional[Worker]:
    """The worker a call goes to: the innermost ``with Worker()`` block's, else the process's default one;
    None for a Spark job (the worker runs without Spark) and with ``COVERTREE_WORKER=0``."""
    global _default
    if spark:
        return None
    if _stack:
        return _stack[-1]
    if os.environ.get(WORKER_VARIABLE, "1").strip().lower() in ("0", "off", "false", "no"):
        return None
    if _default is None or _default._owner != os.getpid():
        _default = Worker()
    return _default


def _close_default() -> None:
    if _default is not None and _default._owner == os.getpid():
        _default.close()


atexit.register(_close_default)
