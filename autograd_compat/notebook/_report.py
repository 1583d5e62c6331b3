"""The comparison of one notebook run on two backends, cell by cell, and its JSON form.

Agreement rules (documented in docs/notebooks.md):

* both must run: a cell that raises on both sides is "both failed", not agreement (with
  ``allow_errors``, both raising the *same exception class* agrees; messages and tracebacks are
  not compared); a timeout, a dead kernel or a cell not run never agrees;
* the cell's stdout and displayed results (``text/plain``) must match as text, except that
  numbers may differ within ``atol + rtol * max(|a|, |b|)``; whitespace is not significant and
  object addresses (``0x7f...``) are ignored; stderr and warnings are shown, not compared.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ._frameworks import frameworks_used
from ._html import render_html
from ._kernel import DIED, ERROR, NOT_RUN, OK, TIMEOUT
from ._text import render_text
from ._tokens import compare_text, strip_ansi
from ._tokens import tokenize as tokenize  # re-exported: tests and users import it from here

SCHEMA = "autograd_compat.compare/1"
DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-8


@dataclass
class BackendResult:
    """One code cell as run on one backend."""

    status: str  # "ok", "error", "timeout", "died", "not run"
    outputs: list[dict[str, Any]] = field(default_factory=list)  # nbformat v4 outputs
    ename: str | None = None  # exception class name when status == "error"
    evalue: str | None = None
    stdout: str = ""
    stderr: str = ""
    results: list[str] = field(default_factory=list)  # text/plain of displayed results
    text: str = ""  # what is compared: stdout and results in output order
    duration: float | None = None
    reason: str | None = None  # why the cell was not run

    @property
    def label(self) -> str:
        """Short status for tables: ``ok``, the exception class, ``timeout``, ..."""
        if self.status == ERROR:
            return self.ename or "error"
        return self.status

    @property
    def traceback(self) -> str:
        for out in self.outputs:
            if out.get("output_type") == "error":
                return strip_ansi("\n".join(out.get("traceback") or []))
        return ""

    @classmethod
    def from_cell(cls, cell: Any) -> BackendResult:
        info = dict(cell.get("metadata", {}).get("autograd_compat", {}))
        outputs = [dict(o) for o in cell.get("outputs", [])]
        stdout, stderr, results, text = [], [], [], []
        ename = evalue = None
        for out in outputs:
            kind = out.get("output_type")
            if kind == "stream":
                (stdout if out.get("name") == "stdout" else stderr).append(out.get("text", ""))
                if out.get("name") == "stdout":
                    text.append(out.get("text", ""))
            elif kind in ("execute_result", "display_data"):
                data = out.get("data", {})
                shown = data.get("text/plain")
                if shown is None:
                    shown = " ".join(f"<{mime}>" for mime in sorted(data))
                results.append(shown)
                text.append(shown + "\n")
            elif kind == "error" and ename is None:
                ename, evalue = out.get("ename"), out.get("evalue")
        status = info.get("status")
        if status is None:  # a notebook executed by something else: infer from the outputs
            status = ERROR if ename is not None else OK
        if status == ERROR:
            ename, evalue = info.get("ename", ename), info.get("evalue", evalue)
        else:  # timeout / died: what happened, in words; ok: nothing
            ename, evalue = None, info.get("evalue")
        return cls(
            status=status,
            outputs=outputs,
            ename=ename,
            evalue=evalue,
            stdout="".join(stdout),
            stderr="".join(stderr),
            results=results,
            text="".join(text),
            duration=info.get("duration"),
            reason=info.get("reason"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "ename": self.ename,
            "evalue": self.evalue,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "results": self.results,
            "duration": self.duration,
            "reason": self.reason,
            "outputs": self.outputs,
        }


@dataclass
class CellReport:
    """One code cell on both backends."""

    index: int  # 1-based among code cells
    source: str
    results: dict[str, BackendResult]  # backend -> result, in the report's backend order
    agree: bool
    max_difference: float | None  # largest numeric difference between the outputs
    reason: str | None  # why the cell does not agree (None when it agrees)
    cell_id: str | None = None
    both_failed: bool = False  # raised the same exception class on both sides

    @property
    def first_line(self) -> str:
        for line in self.source.splitlines():
            if line.strip():
                return line.rstrip()
        return ""

    @property
    def status(self) -> dict[str, str]:
        """Backend -> status (``ok``, ``error``, ``timeout``, ``died``, ``not run``)."""
        return {b: r.status for b, r in self.results.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "cell_id": self.cell_id,
            "first_line": self.first_line,
            "source": self.source,
            "agree": self.agree,
            "both_failed": self.both_failed,
            "reason": self.reason,
            "max_difference": _json_float(self.max_difference),
            "results": {b: r.to_json() for b, r in self.results.items()},
        }


def _json_float(x: float | None) -> float | str | None:
    if x is None or math.isfinite(x):
        return x
    return "inf"  # strict JSON has no Infinity


def compare_cells(
    index: int,
    source: str,
    a: BackendResult,
    b: BackendResult,
    names: tuple[str, str],
    rtol: float,
    atol: float,
    cell_id: str | None = None,
    allow_errors: bool = False,
) -> CellReport:
    na, nb = names
    agree, largest, reason = False, None, None
    both_failed = False
    bad = [(n, r) for n, r in ((na, a), (nb, b)) if r.status in (TIMEOUT, DIED, NOT_RUN)]
    if bad:
        words = {TIMEOUT: "timed out", DIED: "kernel died", NOT_RUN: "not run"}
        if len(bad) == 2 and a.status == b.status:
            reason = f"{words[a.status]} on both"
        else:
            reason = "; ".join(f"{words[r.status]} on {n}" for n, r in bad)
    elif a.status != b.status:
        who, raised = (na, a) if a.status == ERROR else (nb, b)
        reason = f"raises {raised.ename or 'an exception'} on {who} only"
    elif a.status == ERROR and a.ename != b.ename:
        reason = f"raises {a.ename} on {na}, {b.ename} on {nb}"
    else:
        agree, largest = compare_text(a.text, b.text, rtol, atol)
        if not agree:
            if largest is None:
                reason = "outputs differ"
            else:
                reason = f"numbers differ beyond tolerance (largest difference {largest:.3g})"
        if a.status == ERROR and not agree:
            reason = f"both raise {a.ename}, but the outputs before it differ"
        elif a.status == ERROR and not allow_errors:
            # Two failures are no evidence that the port works: reported, never "agree".
            agree, both_failed, reason = False, True, f"both failed: {a.ename} on both"
    return CellReport(index, source, {na: a, nb: b}, agree, largest, reason, cell_id, both_failed)


@dataclass
class Report:
    """The side-by-side comparison of one notebook on two backends.

    ``ok`` is True when every code cell agreed. ``cells`` has one :class:`CellReport` per code
    cell. ``to_text()`` renders the table, ``to_json()`` the documented JSON, ``to_html()`` the
    self-contained page.
    """

    notebook: str
    backends: tuple[str, str]
    cells: list[CellReport]
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    timeout: float | None = None
    versions: dict[str, str | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # backend -> extension banner
    frameworks: list[str] = field(default_factory=list)  # what the notebook uses: mxnet, torch
    # backend -> framework -> what ran it there ("MXNet 1.9.1", "autograd_compat on torch 2.13")
    implementations: dict[str, dict[str, str]] = field(default_factory=dict)
    allow_errors: bool = False

    @property
    def ok(self) -> bool:
        return all(c.agree for c in self.cells)

    @property
    def same_implementation(self) -> bool:
        """True when both sides ran the same implementation of every framework the notebook
        uses (or it uses none): then agreement would prove nothing."""
        a, b = (self.implementations.get(x, {}) for x in self.backends)
        if not a or not b:
            return False  # a side could not say (its kernel died): nothing to conclude
        return all(a.get(fw) == b.get(fw) for fw in self.frameworks)

    def implementation_lines(self) -> list[str]:
        """One line per backend: ``torch side: mxnet → autograd_compat on torch 2.13.0``."""
        lines = []
        for backend in self.backends:
            ran = self.implementations.get(backend, {})
            parts = [f"{fw} → {ran.get(fw, 'unknown')}" for fw in self.frameworks]
            lines.append(f"{backend} side: {', '.join(parts) or 'no mxnet or torch code'}")
        return lines

    @property
    def differing(self) -> list[CellReport]:
        return [c for c in self.cells if not c.agree]

    def summary(self) -> str:
        n, bad = len(self.cells), len(self.differing)
        failed = sum(c.both_failed for c in self.cells)
        word = "cell" if n == 1 else "cells"
        if not bad:
            return f"{n} code {word}: all agree on {' and '.join(self.backends)}"
        failed_txt = f", {failed} failed on both" if failed else ""
        return f"{n} code {word}: {n - bad} agree, {bad - failed} differ{failed_txt}"

    def to_text(self, only_differences: bool = False, width: int = 110) -> str:
        """The side-by-side table as plain text (no colour)."""
        return render_text(self, only_differences=only_differences, width=width)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "notebook": self.notebook,
            "backends": list(self.backends),
            "rtol": self.rtol,
            "atol": self.atol,
            "timeout": self.timeout,
            "ok": self.ok,
            "summary": {
                "cells": len(self.cells),
                "agree": len(self.cells) - len(self.differing),
                "differ": len(self.differing) - sum(c.both_failed for c in self.cells),
                "both_failed": sum(c.both_failed for c in self.cells),
            },
            "frameworks": self.frameworks,
            "implementations": self.implementations,
            "same_implementation": self.same_implementation,
            "allow_errors": self.allow_errors,
            "versions": self.versions,
            "extension": self.notes,
            "cells": [c.to_json() for c in self.cells],
        }

    def to_html(self) -> str:
        """One self-contained HTML page: summary, then each cell's source and both outputs."""
        return render_html(self)

    def write_json(self, path: str) -> None:
        import json

        write_atomic(path, json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n")

    def write_html(self, path: str) -> None:
        write_atomic(path, self.to_html())


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` beside ``path`` and rename it there: a reader never sees half a file."""
    import os
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    if os.path.exists(path):
        mode = os.stat(path).st_mode & 0o777  # --force keeps the file's permissions
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask  # what open() would have given; mkstemp makes 0600
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".autograd_compat-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def build_report(
    path: str,
    executed: dict[str, Any],
    rtol: float,
    atol: float,
    timeout: float | None,
    versions: dict[str, str | None] | None = None,
    allow_errors: bool = False,
) -> Report:
    """Compare two executed copies of one notebook (``executed``: backend -> notebook)."""
    names = tuple(executed)
    if len(names) != 2:
        raise ValueError(f"compare needs exactly two backends, got {names}")
    na, nb = names
    cells_a = [c for c in executed[na].cells if c.cell_type == "code"]
    cells_b = [c for c in executed[nb].cells if c.cell_type == "code"]
    if len(cells_a) != len(cells_b):
        raise ValueError("the two executed notebooks do not have the same code cells")
    cells = [
        compare_cells(
            i,
            ca.source,
            BackendResult.from_cell(ca),
            BackendResult.from_cell(cb),
            (na, nb),
            rtol,
            atol,
            ca.get("id"),
            allow_errors,
        )
        for i, (ca, cb) in enumerate(zip(cells_a, cells_b), start=1)
    ]
    notes = {
        b: nbk.metadata.get("autograd_compat", {}).get("extension", "")
        for b, nbk in executed.items()
    }
    implementations = {
        b: dict(nbk.metadata.get("autograd_compat", {}).get("implementations", {}))
        for b, nbk in executed.items()
    }
    return Report(
        path,
        (na, nb),
        cells,
        rtol,
        atol,
        timeout,
        dict(versions or {}),
        notes,
        frameworks_used(c.source for c in cells_a),
        implementations,
        allow_errors,
    )
