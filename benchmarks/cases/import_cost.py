"""Case 7: what ``from autograd_compat.mxnet import autograd`` adds to ``import torch``.

Each sample is a fresh Python process (the torch backend, threads pinned as for every case):
``import torch`` alone, against ``import torch`` followed by the MXNet dialect's import. Also
timed: ``import autograd_compat`` alone, which must import neither torch nor mxnet. Reported:
process wall times, their ratio, and the in-process time of the dialect import itself; the
dialect import is checked not to import mxnet.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

from harness import Config, Variant, interleave

TITLE = "Import cost (fresh process)"
GOAL = None

_CODE = {
    "import torch": "import torch",
    "import torch + MXNet dialect": (
        "import time, sys, json\n"
        "import torch\n"
        "t0 = time.perf_counter()\n"
        "from autograd_compat.mxnet import autograd\n"
        "dt = time.perf_counter() - t0\n"
        "print(json.dumps({'dialect_s': dt, 'mxnet_imported': 'mxnet' in sys.modules}))\n"
    ),
    "import autograd_compat": (
        "import sys, json\n"
        "import autograd_compat\n"
        "print(json.dumps({'torch_imported': 'torch' in sys.modules,"
        " 'mxnet_imported': 'mxnet' in sys.modules}))\n"
    ),
}


def run(cfg: Config) -> dict:
    env = dict(os.environ)
    env.pop("AUTOGRAD_COMPAT_BACKEND", None)  # the default backend, torch
    facts: dict[str, list] = {name: [] for name in _CODE}

    def variant(name: str) -> Variant:
        def sample() -> None:
            out = subprocess.run(
                [sys.executable, "-c", _CODE[name]], env=env, capture_output=True, text=True
            )
            if out.returncode:
                raise RuntimeError(f"{name!r} failed: {out.stderr.strip().splitlines()[-1:]}")
            lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
            if lines:
                facts[name].append(json.loads(lines[-1]))

        return Variant(name, sample)

    reps = cfg.pick(8, 1)
    warm = cfg.warmup
    cfg.warmup = cfg.pick(1, 0)  # a process start is its own warm-up; one in full runs
    try:
        rows = interleave(
            [variant(n) for n in _CODE], cfg, "import torch", per="process", reps=reps
        )
    finally:
        cfg.warmup = warm
    dialect = facts["import torch + MXNet dialect"]
    rows[1].extra["dialect_import_s_median"] = statistics.median(f["dialect_s"] for f in dialect)
    rows[1].extra["imports_mxnet"] = any(f["mxnet_imported"] for f in dialect)
    ms = rows[1].extra["dialect_import_s_median"] * 1e3
    rows[1].note = (
        "imports mxnet!"
        if rows[1].extra["imports_mxnet"]
        else f"mxnet not imported; the dialect import itself: {ms:.0f} ms in-process"
    )
    pkg = facts["import autograd_compat"]
    rows[2].extra["imports_torch"] = any(f["torch_imported"] for f in pkg)
    rows[2].extra["imports_mxnet"] = any(f["mxnet_imported"] for f in pkg)
    rows[2].note = (
        "imports torch/mxnet!"
        if rows[2].extra["imports_torch"] or rows[2].extra["imports_mxnet"]
        else "imports neither torch nor mxnet"
    )
    return {"rows": rows}
