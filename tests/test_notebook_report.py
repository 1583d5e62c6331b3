"""The comparison rules, the text table, the JSON and the HTML page, on notebooks built in memory
(as ``run`` leaves them), so no kernel is needed. End to end: tests/test_notebook_compare.py."""

from __future__ import annotations

import json
import math
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograd_compat.notebook import SCHEMA, compare_executed
from autograd_compat.notebook._report import compare_text, tokenize


def _cell(source: str, status: str = "ok", *outputs, ename: str | None = None, **info):
    cell = new_code_cell(source)
    cell.outputs = list(outputs)
    meta = {"status": status, "duration": 0.01, **info}
    if ename:
        meta.update(ename=ename, evalue="boom")
        cell.outputs.append(
            new_output("error", ename=ename, evalue="boom", traceback=["\x1b[31mTB"])
        )
    cell.metadata["autograd_compat"] = meta
    return cell


def out(text: str):
    return new_output("stream", name="stdout", text=text)


def err(text: str):
    return new_output("stream", name="stderr", text=text)


def result(text: str):
    return new_output("execute_result", data={"text/plain": text}, execution_count=1)


def _report(pairs, **kw):
    """pairs: list of (torch cell, mxnet cell) with the same source."""
    a = new_notebook(cells=[new_markdown_cell("# t")] + [p[0] for p in pairs])
    b = new_notebook(cells=[new_markdown_cell("# t")] + [p[1] for p in pairs])
    return compare_executed({"torch": a, "mxnet": b}, name="t.ipynb", **kw)


# --- numbers and text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, agree",
    [
        ("tensor([0., 4., 8., 12.])", "tensor([ 0.,  4.,  8., 12.])", True),  # padding
        ("8.", "8.0", True),
        ("x = 1.0000001", "x = 1.0", True),
        ("x = 1.001", "x = 1.0", False),
        ("float32", "float64", False),  # digits inside words are text
        ("MulBackward0", "MulBackward1", False),
        ("nan inf -inf", "nan inf -inf", True),
        ("inf", "-inf", False),
        ("<Foo object at 0x7f00aa>", "<Foo object at 0x7f11bb>", True),  # addresses ignored
        ("flags 0x1F", "flags 0x2F", False),  # other hex numbers are compared
        ("[1 2]\n[3 4]", "[1 2 3 4]", False),
        ("ab", "a b", False),
        ("", "", True),
        ("torch", "mxnet", False),
    ],
)
def test_compare_text(a, b, agree):
    assert compare_text(a, b, 1e-5, 1e-8)[0] is agree


def test_largest_difference_and_tolerance():
    ok, diff = compare_text("[1.0, 2.0]", "[1.0, 2.5]", 0.0, 0.5)
    assert ok and diff == pytest.approx(0.5)
    ok, diff = compare_text("[1.0, 2.0]", "[1.0, 2.5]", 0.0, 0.4)
    assert not ok and diff == pytest.approx(0.5)
    assert compare_text("1 2", "1 2 3", 1, 1) == (False, None)  # texts do not line up
    assert [t.kind for t in tokenize("y=-1.5e-3, x2")] == ["word", "other", "num", "other", "word"]


# --- cell verdicts -----------------------------------------------------------------------------


def test_verdicts():
    report = _report(
        [
            (_cell("a", "ok", out("1.0\n")), _cell("a", "ok", out("1.000001\n"))),
            (_cell("b", "ok", result("x")), _cell("b", "ok", result("y"))),
            (_cell("c", "error", ename="KeyError"), _cell("c", "error", ename="KeyError")),
            (_cell("d", "error", ename="KeyError"), _cell("d", "error", ename="ValueError")),
            (_cell("e", "ok"), _cell("e", "error", ename="ValueError")),
            (_cell("f", "timeout", evalue="slow"), _cell("f", "ok")),
            (_cell("g", "died"), _cell("g", "died")),
            (_cell("h", "not run", reason="kernel died"), _cell("h", "ok")),
            (_cell("i", "ok", out("x\n"), err("warned")), _cell("i", "ok", out("x\n"))),
            (
                _cell("j", "error", out("1\n"), ename="KeyError"),
                _cell("j", "error", out("2\n"), ename="KeyError"),
            ),
        ]
    )
    verdicts = {c.source: (c.agree, c.reason) for c in report.cells}
    assert verdicts["a"] == (True, None)
    assert report.cells[0].max_difference == pytest.approx(1e-6)
    assert verdicts["b"] == (False, "outputs differ")
    assert verdicts["c"] == (False, "both failed: KeyError on both")  # proves nothing
    assert report.cells[2].both_failed
    assert verdicts["d"] == (False, "raises KeyError on torch, ValueError on mxnet")
    assert verdicts["e"] == (False, "raises ValueError on mxnet only")
    assert verdicts["f"] == (False, "timed out on torch")
    assert verdicts["g"] == (False, "kernel died on both")
    assert verdicts["h"] == (False, "not run on torch")
    assert verdicts["i"] == (True, None)  # stderr is shown, not compared
    assert verdicts["j"][0] is False and "before it differ" in verdicts["j"][1]
    assert [c.index for c in report.cells] == list(range(1, 11))
    assert not report.ok
    assert report.cells[2].results["torch"].label == "KeyError"
    assert report.cells[2].status == {"torch": "error", "mxnet": "error"}


def test_all_agree_is_ok():
    report = _report([(_cell("print(1)", "ok", out("1\n")), _cell("print(1)", "ok", out("1\n")))])
    assert report.ok and report.summary() == "1 code cell: all agree on torch and mxnet"


# --- renderings --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed():
    return _report(
        [
            (_cell("import x  # setup", "ok"), _cell("import x  # setup", "ok")),
            (_cell("print(v)", "ok", out("0.5 <&>\n")), _cell("print(v)", "ok", out("0.75 <&>\n"))),
            (_cell("warn()", "ok", err("UserWarning: w")), _cell("warn()", "ok")),
            (_cell("boom()", "ok"), _cell("boom()", "error", ename="RuntimeError")),
        ]
    )


def test_to_text(mixed):
    text = mixed.to_text()
    assert "\x1b[" not in text  # plain text, no colour codes
    lines = text.splitlines()
    row = {ln.split()[0]: ln for ln in lines if ln[:4].strip().isdigit()}
    assert set(row) >= {"1", "2", "3", "4"}
    assert "import x  # setup" in row["1"] and "agree" in row["1"]
    assert "DIFFER" in row["2"] and "RuntimeError" in row["4"]
    assert "+stderr" in row["3"]
    assert "0.5 <&>" in text and "0.75 <&>" in text  # differing outputs side by side
    assert lines[-1] == "4 code cells: 2 agree, 2 differ"
    only = mixed.to_text(only_differences=True)
    assert "import x" not in only and "print(v)" in only


def test_to_json(mixed):
    data = json.loads(json.dumps(mixed.to_json()))  # strict JSON round trip
    assert data["schema"] == SCHEMA and data["ok"] is False
    assert data["summary"] == {"cells": 4, "agree": 2, "differ": 2, "both_failed": 0}
    assert data["backends"] == ["torch", "mxnet"]
    c2 = data["cells"][1]
    assert c2["index"] == 2 and c2["first_line"] == "print(v)" and c2["agree"] is False
    assert c2["results"]["torch"]["stdout"] == "0.5 <&>\n"
    assert data["cells"][2]["results"]["torch"]["stderr"] == "UserWarning: w"
    assert data["cells"][3]["results"]["mxnet"]["ename"] == "RuntimeError"


def test_json_infinite_difference_is_strict_json():
    report = _report([(_cell("a", "ok", out("inf\n")), _cell("a", "ok", out("1\n")))])
    assert math.isinf(report.cells[0].max_difference)
    json.loads(json.dumps(report.to_json(), allow_nan=False))


class _Rows(HTMLParser):
    """Collects per-row cell texts of tr.cell rows, keyed by backend for the output cells."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self._td: str | None = None
        self.marks = 0
        self.scripts = 0
        self.links = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("class") == "cell":
            self.rows.append({"data-index": a["data-index"], "agree": a["data-agree"]})
        elif tag == "td" and self.rows:
            self._td = a.get("data-backend") or a.get("class")
            self.rows[-1].setdefault(self._td, "")
        elif tag == "mark":
            self.marks += 1
        elif tag == "script":
            self.scripts += 1
        elif tag in ("link", "img") and not (a.get("src") or "data:").startswith("data:"):
            self.links += 1

    def handle_endtag(self, tag):
        if tag == "td":
            self._td = None

    def handle_data(self, data):
        if self._td is not None:
            self.rows[-1][self._td] += data


def test_html(mixed):
    page = _Rows()
    page.feed(mixed.to_html())
    assert [r["data-index"] for r in page.rows] == ["1", "2", "3", "4"]
    assert [r["agree"] for r in page.rows] == ["true", "false", "true", "false"]
    row2 = page.rows[1]
    assert "0.5 <&>" in row2["torch"] and "0.75 <&>" in row2["mxnet"]
    assert "print(v)" in row2["source"]
    assert "UserWarning: w" in page.rows[2]["torch"]  # stderr shown
    assert "RuntimeError" in page.rows[3]["mxnet"]
    assert page.marks >= 2 and page.scripts == 0 and page.links == 0  # self-contained


def test_html_embeds_images():
    png = "iVBORw0KGgo="
    img = new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"})
    report = _report([(_cell("plot()", "ok", img), _cell("plot()", "ok", img))])
    page = report.to_html()
    assert f"data:image/png;base64,{png}" in page
    assert report.ok


def test_outputs_of_a_notebook_from_elsewhere():
    # No autograd_compat metadata (executed by jupyter itself): status comes from the outputs.
    a = new_code_cell("1/0")
    a.outputs = [new_output("error", ename="ZeroDivisionError", evalue="x", traceback=[])]
    b = nbformat.from_dict(dict(a))
    nb_a, nb_b = new_notebook(cells=[a]), new_notebook(cells=[b])
    report = compare_executed({"torch": nb_a, "mxnet": nb_b})
    assert report.cells[0].results["torch"].status == "error" and not report.ok
    assert report.cells[0].both_failed
    assert compare_executed({"torch": nb_a, "mxnet": nb_b}, allow_errors=True).ok
