"""Output texts as tokens, and the rule that says whether two of them agree.

Numbers compare by value within ``atol + rtol * max(|a|, |b|)``; words and punctuation must be
equal; object addresses are ignored; whitespace is not a token. The ground floor of the notebook
package: the report (``_report``) and its renderers (``_html``, ``_text``) all use it.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

_NUM = r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)"
# A number is a token only when it is not part of a word ("float32", "MulBackward0"). An object
# address (the "0x7f.." of "<... at 0x7f..>") differs between any two processes: never compared.
_TOKEN = re.compile(
    rf"(?<=at )(?P<addr>0x[0-9a-fA-F]+)|(?<![\w.])(?P<num>{_NUM})(?![\w.])|(?P<word>\w+)"
    r"|(?P<other>\S)",
    re.IGNORECASE,
)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "addr", "word", "other"
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        # What must be equal for two tokens to line up; numbers then compare by value.
        return f"<{self.kind}>" if self.kind in ("num", "addr") else self.text

    @property
    def value(self) -> float:
        return float(self.text)


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.lastgroup or "other", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)
    ]


def close(a: float, b: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= atol + rtol * max(abs(a), abs(b))


def compare_text(a: str, b: str, rtol: float, atol: float) -> tuple[bool, float | None]:
    """(agree, largest numeric difference) for two output texts; the difference is None when
    the texts do not line up token by token (then they disagree)."""
    ta, tb = tokenize(a), tokenize(b)
    if [t.key for t in ta] != [t.key for t in tb]:
        return False, None
    agree, largest = True, None
    for x, y in zip(ta, tb):
        if x.kind != "num":
            continue
        vx, vy = x.value, y.value
        if not close(vx, vy, rtol, atol):
            agree = False
        if math.isnan(vx) or math.isnan(vy) or math.isinf(vx) or math.isinf(vy):
            diff = 0.0 if close(vx, vy, rtol, atol) else math.inf
        else:
            diff = abs(vx - vy)
        largest = diff if largest is None else max(largest, diff)
    return agree, largest


def diff_spans(
    a: str, b: str, rtol: float, atol: float
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of ``a`` and ``b`` that differ (for highlighting)."""
    ta, tb = tokenize(a), tokenize(b)
    sa: list[tuple[int, int]] = []
    sb: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(
        None, [t.key for t in ta], [t.key for t in tb], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for x, y in zip(ta[i1:i2], tb[j1:j2]):
                if x.kind == "num" and not close(x.value, y.value, rtol, atol):
                    sa.append((x.start, x.end))
                    sb.append((y.start, y.end))
        else:
            sa.extend((t.start, t.end) for t in ta[i1:i2])
            sb.extend((t.start, t.end) for t in tb[j1:j2])
    return sa, sb
