"""Fail when the MXNet-backed tests were skipped, failed, or fewer ran than expected.

Usage: check_mxnet_tests.py SUMMARY.json MIN_FILE. The summary is written by tests/conftest.py;
MIN_FILE holds the smallest acceptable number of passed MXNet-backed tests (raise it as tests are
added; never lower it to make CI pass).
"""

from __future__ import annotations

import json
import sys


def main(summary_path: str, min_path: str) -> int:
    try:
        with open(summary_path) as f:
            counts = json.load(f)["mxnet_tests"]
    except (OSError, ValueError, KeyError) as exc:
        print(f"check_mxnet_tests: no test summary ({exc}); did pytest run?", file=sys.stderr)
        return 1
    with open(min_path) as f:
        minimum = int(f.read().split()[0])
    line = (
        f"MXNet-backed tests: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped (at least {minimum} must pass, none may be skipped)"
    )
    print(line)
    if counts["skipped"] or counts["failed"] or counts["passed"] < minimum:
        print("check_mxnet_tests: the MXNet oracle did not fully run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
