"""`PORT=8013 make run` makes e-mail links point at port 8013 (SITE_URL follows PORT)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(("port", "expected"), [("8013", "8013"), (None, "8000")])
def test_make_run_sets_site_url_from_port(port, expected):
    args = ["make", "-n", "run"] + ([f"PORT={port}"] if port else [])
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    runs = [line for line in out.splitlines() if "run_embedded" in line]
    assert runs and f"SITE_URL=http://127.0.0.1:{expected} " in runs[0]
    assert runs[0].rstrip().endswith(f"127.0.0.1:{expected}")
