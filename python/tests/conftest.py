import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# the tests run against this checkout: its package sources and its launcher
sys.path.insert(0, str(ROOT / "python"))
os.environ.setdefault("COVERTREE_HOME", str(ROOT))


def reference_dir():
    """../shared/reference from the project or any parent (COVERTREE_REFERENCE overrides), or None."""
    env = os.environ.get("COVERTREE_REFERENCE")
    if env:
        return Path(env)
    for p in [ROOT, *ROOT.parents]:
        if (p / "shared" / "reference").is_dir():
            return p / "shared" / "reference"
    return None


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A TMPDIR of the test's own, to check that nothing the package makes survives."""
    d = tmp_path / "tmp"
    d.mkdir()
    monkeypatch.setenv("TMPDIR", str(d))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    return d
