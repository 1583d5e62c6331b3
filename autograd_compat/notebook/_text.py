"""The terminal table of a comparison (rich)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._report import BackendResult, CellReport, Report

_DETAIL_LINES = 12  # output lines shown per backend for a differing cell


def _status(r: BackendResult) -> Any:
    from rich.text import Text

    style = {"ok": "green", "error": "yellow"}.get(r.status, "red")
    text = Text(r.label, style=style)
    if r.stderr.strip():
        text.append(" +stderr", style="dim")
    return text


def _verdict(c: CellReport) -> Any:
    from rich.text import Text

    if c.both_failed:
        return Text(c.reason or "both failed", style="bold yellow")
    if c.agree:
        text = Text("agree", style="green")
        if c.max_difference:
            text.append(f" (max diff {c.max_difference:.2g})", style="dim")
        return text
    return Text(f"DIFFER: {c.reason}", style="bold red")


def _clip(text: str, lines: int = _DETAIL_LINES) -> str:
    rows = text.rstrip("\n").splitlines()
    if len(rows) > lines:
        rows = rows[:lines] + [f"... ({len(rows) - lines} more lines)"]
    return "\n".join(rows)


def _shown(r: BackendResult) -> str:
    parts = [r.text.rstrip("\n")] if r.text.strip() else []
    if r.status == "error":
        parts.append(f"{r.ename}: {r.evalue}")
    elif r.status in ("timeout", "died", "not run"):
        parts.append(f"[{r.evalue or r.reason or r.status}]")
    return _clip("\n".join(parts)) or "(no output)"


def render(report: Report, console: Any, only_differences: bool = False) -> None:
    """Print the table (and the differing cells' outputs side by side) on a rich console."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    a, b = report.backends
    console.print(
        f"[bold]autograd_compat compare[/bold] {escape(report.notebook)}: {a} vs {b} "
        f"(rtol={report.rtol:g}, atol={report.atol:g})",
        highlight=False,
    )
    for line in report.implementation_lines():
        console.print(escape(line), style="dim", highlight=False)
    cells = report.differing if only_differences else report.cells
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    # The first line is cut (never wrapped) to leave the verdict column room on narrow terminals.
    status_width = max(
        (len(r.label) + (8 if r.stderr.strip() else 0) for c in cells for r in c.results.values()),
        default=7,
    )
    first_width = max(12, min(44, console.width - 2 * (status_width + 3) - 27 - 8))
    table.add_column("first line", no_wrap=True, overflow="ellipsis", max_width=first_width)
    table.add_column(a, no_wrap=True)
    table.add_column(b, no_wrap=True)
    table.add_column("outputs", overflow="fold", min_width=24, ratio=1)
    for c in cells:
        table.add_row(
            str(c.index),
            Text(c.first_line),
            _status(c.results[a]),
            _status(c.results[b]),
            _verdict(c),
        )
    if cells:
        console.print(table)
    for c in report.differing:
        detail = Table(
            title=f"cell {c.index}: {escape(c.reason or '')}",
            title_justify="left",
            box=box.SQUARE,
            expand=True,
        )
        detail.add_column(a, ratio=1, overflow="fold")
        detail.add_column(b, ratio=1, overflow="fold")
        detail.add_row(Text(_shown(c.results[a])), Text(_shown(c.results[b])))
        console.print(detail, highlight=False)
    stderr_cells = [
        str(c.index) for c in cells if any(r.stderr.strip() for r in c.results.values())
    ]
    if stderr_cells:
        cells_txt = ("cells " if len(stderr_cells) > 1 else "cell ") + ", ".join(stderr_cells)
        console.print(
            f"+stderr: {cells_txt} wrote to stderr (shown in --html/--json, not compared)",
            style="dim",
            highlight=False,
        )
    style = "bold green" if report.ok else "bold red"
    console.print(report.summary(), style=style, highlight=False)


def render_text(report: Report, only_differences: bool = False, width: int = 110) -> str:
    from rich.console import Console

    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, emoji=False)
    render(report, console, only_differences)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
