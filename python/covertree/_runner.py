"""Finds the project's launcher and runs one command of it, mapping its exit code to an exception."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import List, Optional, Sequence

from .errors import CovertreeError, CovertreeUsageError, InputDataError

#: Environment variable naming the project folder (the one holding the ``covertree`` launcher).
HOME_VARIABLE = "COVERTREE_HOME"


def project_home() -> Path:
    """The project folder: ``$COVERTREE_HOME``, else the one recorded at install time, else the source tree
    this package lives in."""
    env = os.environ.get(HOME_VARIABLE)
    candidates: List[Path] = []
    if env:
        candidates.append(Path(env))
    recorded = Path(__file__).with_name("_project.txt")
    if recorded.is_file():
        candidates.append(Path(recorded.read_text().strip()))
    candidates.append(Path(__file__).resolve().parent.parent.parent)
    for c in candidates:
        if (c / "covertree").is_file():
            return c
    raise CovertreeError(
        "cannot find the covertree project (the folder with the 'covertree' launcher): set "
        f"{HOME_VARIABLE} to it; looked in {', '.join(str(c) for c in candidates)}")


def _message(lines: Sequence[str]) -> str:
    """The tool's error line, without its 'covertree: ' prefix."""
    useful = [l for l in lines if l.strip() and not l.startswith("Try '")]
    for l in reversed(useful):
        if l.startswith("covertree: "):
            return l[len("covertree: "):].strip()
    return useful[-1].strip() if useful else "no message"


def run(args: Sequence[str], quiet: bool) -> str:
    """Runs ``covertree ARGS``; returns its standard output. Progress goes to our stderr unless quiet.
    Ctrl-C stops the tool (which removes its partial files) and is raised again here."""
    launcher = project_home() / "covertree"
    cmd = [str(launcher), *args] + (["--quiet"] if quiet else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    err_lines: List[str] = []

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            err_lines.append(line.rstrip("\n"))
            if not quiet:
                sys.stderr.write(line)
                sys.stderr.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        assert proc.stdout is not None
        out = proc.stdout.read()
        proc.wait()
    except BaseException:
        stop(proc, 30)
        raise
    finally:
        reader.join(timeout=5)
    return result(proc.returncode, out, err_lines)


def stop(proc: subprocess.Popen, grace: float) -> None:
    """Asks the process to end (SIGTERM: the tool removes its partial files), kills it after ``grace`` seconds."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def result(code: int, out: str, err_lines: Sequence[str]) -> str:
    """A run's standard output when it succeeded; else its error line as the exception for its exit code."""
    if code == 0:
        return out
    message = _message(err_lines)
    if code == 2:
        raise CovertreeUsageError(message)
    if code == 3:
        raise InputDataError(message)
    if code == 130:
        raise KeyboardInterrupt
    raise CovertreeError(f"covertree exited with code {code}: {message}")
