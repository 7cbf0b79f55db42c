"""Checks every fenced ```python block in the question bank.

Each block must parse with this interpreter. A block whose imports are all in the
standard library is also executed in a scratch directory and must exit cleanly.
Prints one JSON object: {"checked": n, "executed": n, "failures": [...]}.
Usage: python3 check-python-blocks.py FILE.md [FILE.md ...]
"""
import ast
import os
from concurrent.futures import ThreadPoolExecutor
import json
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.M | re.S)


def imported_roots(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def run_block(where, code, timeout):
    """Runs one block in a scratch directory; returns a failure line or None."""
    with tempfile.TemporaryDirectory() as scratch:
        try:
            run = subprocess.run(
                [sys.executable, "-c", code], cwd=scratch, capture_output=True,
                text=True, timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return f"{where}: did not finish within {timeout} s"
    if run.returncode != 0:
        return f"{where}: exited {run.returncode}: {run.stderr.strip()[-600:]}"
    return None


def main(paths):
    checked = 0
    failures = []
    runnable = []
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for index, match in enumerate(FENCE.finditer(text), start=1):
            code = match.group(1)
            where = f"{path} python block {index}"
            checked += 1
            try:
                tree = ast.parse(code)
            except SyntaxError as error:
                failures.append(f"{where}: syntax error: {error}")
                continue
            if all(root in sys.stdlib_module_names for root in imported_roots(tree)):
                runnable.append((where, code))
    # Blocks are independent processes: run a few at once (150 blocks one by one took minutes).
    # The time limit is generous because a busy CI machine runs other tests alongside.
    workers = max(2, min(8, (os.cpu_count() or 2) * 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for failure in pool.map(lambda block: run_block(block[0], block[1], 60), runnable):
            if failure:
                failures.append(failure)
    print(json.dumps({"checked": checked, "executed": len(runnable), "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
