"""The self-contained HTML page of a comparison: no external files, no scripts.

Layout: a summary at the top, then a table with one row per code cell (``tr.cell``, with
``data-index`` and ``data-agree``): the source, then each backend's output
(``td.output[data-backend=...]``) side by side, then the verdict. Differing tokens are wrapped in
``<mark>``; a checkbox hides the agreeing rows (pure CSS).
"""

from __future__ import annotations

import base64
from html import escape
from typing import TYPE_CHECKING

from ._tokens import diff_spans

if TYPE_CHECKING:
    from ._report import BackendResult, CellReport, Report

_CSS = """
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0;
       color: #1f2328; background: #f6f8fa; }
header { padding: 20px 28px; background: #fff; border-bottom: 1px solid var(--line); }
h1 { font-size: 20px; margin: 0 0 8px; }
h1 code { font-size: 18px; }
.verdict-banner { display: inline-block; font-weight: 600; padding: 6px 12px; border-radius: 6px;
                  color: #fff; }
.verdict-banner.ok { background: var(--ok); }
.verdict-banner.fail { background: var(--bad); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px;
          margin: 12px 0 0; color: var(--muted); }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
.jump a { margin-right: 8px; color: var(--bad); }
label.filter { display: block; margin-top: 10px; cursor: pointer; }
body:has(#only-differences:checked) tr.cell[data-agree="true"] { display: none; }
main { padding: 16px 28px 40px; }
table.cells { border-collapse: collapse; width: 100%; background: #fff; table-layout: fixed; }
table.cells th, table.cells td { border: 1px solid var(--line); padding: 6px 8px;
                                  vertical-align: top; text-align: left; }
table.cells th { background: #eaeef2; position: sticky; top: 0; }
col.index { width: 3.5em; } col.verdict { width: 15em; }
tr.cell[data-agree="false"] td { background: #fff5f5; }
tr.cell[data-agree="false"] td.index { box-shadow: inset 4px 0 0 var(--bad); }
td.index { font-weight: 600; text-align: right; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word;
      font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
td.source pre { color: #0550ae; }
.status { font-size: 12px; font-weight: 600; margin-bottom: 4px; }
.status.ok { color: var(--ok); } .status.error { color: var(--warn); }
.status.timeout, .status.died, .status.not-run { color: var(--bad); }
.status .time { font-weight: 400; color: var(--muted); }
.status.differs { outline: 2px solid var(--bad); outline-offset: 1px; border-radius: 3px; }
mark { background: #ffd7d5; color: inherit; border-radius: 2px; outline: 1px solid #ff8182; }
.none { color: var(--muted); font-style: italic; }
.stderr { margin-top: 6px; border-left: 3px solid #d4a72c; padding-left: 6px; }
.stderr pre, .stderr .label { color: var(--muted); font-size: 12px; }
.error-line { margin-top: 6px; color: var(--warn); }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
td.output img { max-width: 100%; display: block; margin-top: 6px; }
td.verdict.agree { color: var(--ok); font-weight: 600; }
td.verdict.differ { color: var(--bad); font-weight: 600; }
td.verdict .diff { display: block; font-weight: 400; color: var(--muted); font-size: 12px; }
"""


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` escaped, with ``spans`` (merged across whitespace) wrapped in <mark>."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _images(r: BackendResult) -> str:
    parts = []
    for out in r.outputs:
        data = out.get("data") or {}
        if "image/png" in data:
            png = (
                "".join(data["image/png"])
                if isinstance(data["image/png"], list)
                else data["image/png"]
            )
            parts.append(
                f'<img alt="image output" src="data:image/png;base64,{escape(png.strip())}">'
            )
        elif "image/svg+xml" in data:
            svg = data["image/svg+xml"]
            svg = "".join(svg) if isinstance(svg, list) else svg
            # As an <img> data URI: the SVG cannot run scripts in the page.
            b64 = base64.b64encode(svg.encode("utf-8")).decode("ascii")
            parts.append(f'<img alt="image output" src="data:image/svg+xml;base64,{b64}">')
    return "".join(parts)


def _output_cell(
    name: str, r: BackendResult, spans: list[tuple[int, int]], status_differs: bool
) -> str:
    cls = r.status.replace(" ", "-")
    timing = f' <span class="time">{r.duration:.2f} s</span>' if r.duration is not None else ""
    differs = " differs" if status_differs else ""
    parts = [f'<div class="status {cls}{differs}">{escape(r.label)}{timing}</div>']
    if r.text:
        parts.append(f'<pre class="text">{_marked(r.text, spans)}</pre>')
    if r.status == "error":
        parts.append(f'<div class="error-line"><pre>{escape(f"{r.ename}: {r.evalue}")}</pre></div>')
        if r.traceback:
            parts.append(
                f"<details><summary>traceback</summary><pre>{escape(r.traceback)}</pre></details>"
            )
    elif r.status in ("timeout", "died", "not run"):
        parts.append(
            f'<div class="error-line"><pre>{escape(r.evalue or r.reason or r.status)}</pre></div>'
        )
    elif not r.text:
        parts.append('<span class="none">no output</span>')
    parts.append(_images(r))
    if r.stderr.strip():
        parts.append(
            '<div class="stderr"><div class="label">stderr (not compared)</div>'
            f"<pre>{escape(r.stderr)}</pre></div>"
        )
    return f'<td class="output" data-backend="{escape(name)}">{"".join(parts)}</td>'


def _row(report: Report, c: CellReport) -> str:
    a, b = report.backends
    ra, rb = c.results[a], c.results[b]
    sa: list[tuple[int, int]] = []
    sb: list[tuple[int, int]] = []
    if not c.agree and ra.text != rb.text:
        sa, sb = diff_spans(ra.text, rb.text, report.rtol, report.atol)
    status_differs = ra.label != rb.label
    if c.agree:
        diff = f"max diff {c.max_difference:.3g}" if c.max_difference else ""
        verdict = f'<td class="verdict agree">agree<span class="diff">{diff}</span></td>'
    else:
        verdict = (
            f'<td class="verdict differ">differ<span class="diff">{escape(c.reason or "")}'
            "</span></td>"
        )
    return (
        f'<tr class="cell" id="cell-{c.index}" data-index="{c.index}" '
        f'data-agree="{"true" if c.agree else "false"}">'
        f'<td class="index">{c.index}</td>'
        f'<td class="source"><pre>{escape(c.source)}</pre></td>'
        f"{_output_cell(a, ra, sa, status_differs)}{_output_cell(b, rb, sb, status_differs)}"
        f"{verdict}</tr>"
    )


def render_html(report: Report) -> str:
    a, b = report.backends
    ok = report.ok
    banner = (
        f'<span class="verdict-banner {"ok" if ok else "fail"}">{escape(report.summary())}</span>'
    )
    jump = ""
    if report.differing:
        links = " ".join(f'<a href="#cell-{c.index}">{c.index}</a>' for c in report.differing)
        jump = f'<p class="jump">Differing cells: {links}</p>'
    versions = ", ".join(f"{k} {v}" for k, v in report.versions.items() if v)
    meta = [
        ("notebook", report.notebook),
        ("backends", f"{a} vs {b}"),
        *(("implementations", line) for line in report.implementation_lines()),
        ("tolerance", f"rtol={report.rtol:g}, atol={report.atol:g}"),
    ]
    if report.timeout is not None:
        meta.append(("timeout", f"{report.timeout:g} s per cell"))
    if versions:
        meta.append(("versions", versions))
    for backend, banner_text in report.notes.items():
        if banner_text:
            meta.append((f"{backend} kernel", banner_text))
    meta_html = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in meta)
    rows = "\n".join(_row(report, c) for c in report.cells)
    title = f"autograd_compat compare: {report.notebook}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>autograd_compat compare: <code>{escape(report.notebook)}</code></h1>
{banner}
<dl class="meta">{meta_html}</dl>
{jump}
<label class="filter"><input type="checkbox" id="only-differences">
show only differing cells</label>
</header>
<main>
<table class="cells">
<colgroup><col class="index"><col class="source"><col class="output"><col class="output">
<col class="verdict"></colgroup>
<thead><tr><th>#</th><th>source</th><th>{escape(a)}</th><th>{escape(b)}</th><th>outputs</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</main>
</body>
</html>
"""
