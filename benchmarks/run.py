"""What the shim costs, side by side with native code (issue 6).

    python benchmarks/run.py                      # every case, full sizes, table on stdout
    python benchmarks/run.py --json results.json  # also write the results and the machine
    python benchmarks/run.py --quick --cases 1,5  # tiny sizes, two cases (what the smoke test runs)

Each case runs in its own fresh process (``--in-process`` runs them all here instead), with the
threads pinned before torch or mxnet is imported: ``OMP_NUM_THREADS``/``MKL_NUM_THREADS`` and
``torch.set_num_threads`` to ``--threads`` (default 1), MXNet's CPU worker threads to the same
number. Variants run interleaved after a warm-up; a ratio is the median over repetitions of the
per-repetition ratio to the baseline. ``docs/benchmarks.md`` says what each case measures.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from harness import Config, NotAvailable, Row  # noqa: E402

# id -> (short name, module under cases/). Adding a case is one line and one module.
CASES: dict[str, tuple[str, str]] = {
    "1": ("mlp", "cases.mlp"),
    "2": ("tiny-op", "cases.tinyop"),
    "3": ("np-npx", "cases.np_namespace"),
    "4": ("torch-on-mxnet", "cases.torch_on_mxnet"),
    "5": ("shim-installed", "cases.installed"),
    "6": ("interchange", "cases.interchange"),
    "7": ("import", "cases.import_cost"),
    "8": ("higher-order", "cases.higher_order"),
    "9": ("gluon-forward-backward", "cases.gluon_forward_backward"),
    "10": ("gluon-training-step", "cases.gluon_training_step"),
    "11": ("dataloader", "cases.gluon_dataloader"),
    "12": ("distributed", "cases.distributed"),
    "13": ("nd-ops", "cases.nd_ops"),
}


def pin_threads(threads: int) -> dict[str, str]:
    """Pin every framework to ``threads`` compute threads; must run before torch/mxnet import."""
    env = {
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        # MXNet: operators run on its engine's CPU worker threads, each using OMP threads.
        "MXNET_CPU_WORKER_NTHREADS": str(threads),
        "MXNET_OMP_MAX_THREADS": str(threads),
    }
    os.environ.update(env)
    return env


def _pin_torch(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # already set in this process
        pass


def _select(spec: str) -> list[str]:
    if spec in ("", "all"):
        return list(CASES)
    out = []
    for item in spec.split(","):
        item = item.strip()
        match = [k for k, (slug, _) in CASES.items() if item in (k, slug)]
        if not match:
            choices = ", ".join(f"{k}={slug}" for k, (slug, _) in CASES.items())
            raise SystemExit(f"unknown case {item!r}; choose from {choices}")
        out += match
    return out


def run_case(case_id: str, cfg: Config) -> dict[str, Any]:
    """Run one case here; never raises (a failure becomes the case's status)."""
    slug, modname = CASES[case_id]
    result: dict[str, Any] = {"id": case_id, "case": slug, "title": slug, "goal": None}
    t0 = time.perf_counter()
    try:
        mod = importlib.import_module(modname)
        result["title"] = getattr(mod, "TITLE", slug)
        result["goal"] = getattr(mod, "GOAL", None)
        out = mod.run(cfg)
        rows: list[Row] = out.pop("rows")
        result["rows"] = [asdict(r) | {"met": r.met} for r in rows]
        result["info"] = out
        statuses = {r.status for r in rows}
        result["status"] = "ok" if statuses <= {"ok"} else "partial"
        if statuses and "ok" not in statuses:
            result["status"] = "not available"
    except NotAvailable as exc:
        result.update(status="not available", reason=str(exc), rows=[])
    except Exception as exc:
        result.update(
            status="error",
            reason=f"{type(exc).__name__}: {exc}".splitlines()[0][:300],
            traceback=traceback.format_exc(),
            rows=[],
        )
    result["seconds"] = round(time.perf_counter() - t0, 2)
    return result


def _run_case_subprocess(case_id: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "case.json"
        cmd = [sys.executable, str(Path(__file__).resolve()), "--_worker", case_id, "--_out"]
        cmd += [str(out), "--threads", str(args.threads)]
        if args.quick:
            cmd.append("--quick")
        if args.reps is not None:
            cmd += ["--reps", str(args.reps)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if out.exists():
            return json.loads(out.read_text())
        slug = CASES[case_id][0]
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return {
            "id": case_id,
            "case": slug,
            "title": slug,
            "status": "error",
            "reason": f"worker exited with {proc.returncode}: {tail[0][:300]}",
            "rows": [],
        }


def machine(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = None
    try:
        commit = subprocess.run(
            ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    import autograd_compat

    return {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "host": platform.node(),
        "platform": platform.platform(),
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "torch": version("torch"),
        "mxnet": version("mxnet"),
        "numpy": version("numpy"),
        "autograd_compat": str(Path(autograd_compat.__file__).parent),
        "git_commit": commit,
        "threads": args.threads,
        "thread_env": env,
        "quick": args.quick,
        "reps": args.reps,
        "isolation": "in-process" if args.in_process else "one process per case",
    }


def _fmt_time(seconds: float | None, count: int) -> str:
    if seconds is None:
        return "-"
    s = seconds / max(count, 1)
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.2f} µs"


def _fmt_ratio(row: dict[str, Any]) -> str:
    r = row.get("ratio")
    if r is None:
        return "-"
    return f"{r:.3f} [{row['ratio_min']:.2f}-{row['ratio_max']:.2f}]"


def print_table(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title="autograd_compat benchmarks",
        caption="ratio: median over repetitions of (variant / baseline in the same repetition); "
        "the baseline is the group's row with ratio 1.000",
    )
    for col, kw in (
        ("case", {}),
        ("variant", {}),
        ("time / op", {"justify": "right"}),
        ("ratio to baseline [min-max]", {"justify": "right"}),
        ("CPU-time ratio", {"justify": "right"}),
        ("goal", {"justify": "right"}),
        ("status", {}),
    ):
        table.add_column(col, **kw)
    for case in report["cases"]:
        label = f"{case['id']}. {case['title']}"
        if not case["rows"]:
            status = f"{case['status']}: {case.get('reason', '')}"
            table.add_row(label, "-", "-", "-", "-", "-", status)
            continue
        for i, row in enumerate(case["rows"]):
            goal = f"≤ {row['goal']:.2f}" if row.get("goal") else ""
            if row["status"] != "ok":
                status = f"{row['status']}: {row['note']}"
            elif row.get("met") is True:
                status = "[green]met[/green]"
            elif row.get("met") is False:
                status = "[red]MISSED[/red]"
            else:
                status = row.get("note", "")
            table.add_row(
                label if i == 0 else "",
                row["variant"],
                _fmt_time(row["median_s"], row.get("per_count", 1)),
                _fmt_ratio(row),
                "-" if row.get("cpu_ratio") is None else f"{row['cpu_ratio']:.3f}",
                goal,
                status,
            )
        table.add_section()
    Console(width=200).print(table)


def markdown(report: dict[str, Any]) -> str:
    """The results as a Markdown table (what docs/benchmarks.md and the README show)."""
    m = report["machine"]
    lines = [
        f"Measured {m['date_utc']} UTC on {m['cpu']} ({m['logical_cpus']} logical CPUs, load "
        f"{m['load_average_at_start'][0]:.1f} at start), Python {m['python']}, torch "
        f"{m['torch']}, MXNet {m['mxnet']}, {m['threads']} compute thread(s), commit "
        f"{m['git_commit']}.",
        "",
        "| case | variant | time / op | ratio [min-max] | CPU ratio | goal | |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for case in report["cases"]:
        label = f"{case['id']}. {case['title']}"
        if not case["rows"]:
            lines.append(f"| {label} | | | | | | {case['status']}: {case.get('reason', '')} |")
            continue
        for i, row in enumerate(case["rows"]):
            goal = f"≤ {row['goal']:.2f}" if row.get("goal") else ""
            if row.get("goal_time_s"):
                goal = f"≤ {row['goal_time_s'] * 1e6:.0f} µs"
            met = {True: "met", False: "**missed**"}.get(row.get("met"), row.get("note", ""))
            if row["status"] != "ok":
                met = f"{row['status']}: {row['note']}"
            cpu = "" if row.get("cpu_ratio") is None else f"{row['cpu_ratio']:.3f}"
            lines.append(
                f"| {label if i == 0 else ''} | {row['variant']} | "
                f"{_fmt_time(row['median_s'], row.get('per_count', 1))} | {_fmt_ratio(row)} | "
                f"{cpu} | {goal} | {met} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", metavar="PATH", help="write results and machine to PATH")
    parser.add_argument("--markdown", metavar="PATH", help="also write a Markdown table")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, 2 repetitions")
    parser.add_argument("--cases", default="all", help="comma list of ids or names (default all)")
    parser.add_argument("--reps", type=int, default=None, help="repetitions per variant")
    parser.add_argument("--threads", type=int, default=1, help="compute threads (default 1)")
    parser.add_argument("--in-process", action="store_true", help="run every case in this process")
    parser.add_argument("--_worker", help=argparse.SUPPRESS)
    parser.add_argument("--_out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    env = pin_threads(args.threads)
    cfg = Config(quick=args.quick, threads=args.threads)
    if args.quick:
        cfg.reps, cfg.warmup = 2, 1
    if args.reps is not None:
        cfg.reps = args.reps

    if args._worker:
        _pin_torch(args.threads)
        result = run_case(args._worker, cfg)
        Path(args._out).write_text(json.dumps(result, default=str))
        return 0

    selected = _select(args.cases)
    report: dict[str, Any] = {"machine": machine(args, env), "cases": []}
    if args.in_process:
        _pin_torch(args.threads)
    for case_id in selected:
        if args.in_process:
            res = run_case(case_id, cfg)
        else:
            res = _run_case_subprocess(case_id, args)
        report["cases"].append(res)
        print(
            f"case {case_id} ({res['case']}): {res['status']} in {res.get('seconds', '?')} s",
            file=sys.stderr,
        )
    report["machine"]["load_average_at_end"] = os.getloadavg()
    print_table(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str) + "\n")
    if args.markdown:
        Path(args.markdown).write_text(markdown(report))
    failed = [c for c in report["cases"] if c["status"] == "error"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
