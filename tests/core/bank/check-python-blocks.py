"""Checks every fenced ```python block in the question bank.

Each block must parse with this interpreter. A block whose imports are all in the
standard library is also executed in a scratch directory and must exit cleanly.
Prints one JSON object: {"checked": n, "executed": n, "failures": [...]}.
Usage: python3 check-python-blocks.py FILE.md [FILE.md ...]
"""
import ast
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


def main(paths):
    checked = executed = 0
    failures = []
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
            if not all(root in sys.stdlib_module_names for root in imported_roots(tree)):
                continue
            executed += 1
            with tempfile.TemporaryDirectory() as scratch:
                try:
                    run = subprocess.run(
                        [sys.executable, "-c", code], cwd=scratch, capture_output=True,
                        text=True, timeout=20,
                    )
                except subprocess.TimeoutExpired:
                    failures.append(f"{where}: did not finish within 20 s")
                    continue
            if run.returncode != 0:
                failures.append(f"{where}: exited {run.returncode}: {run.stderr.strip()[-600:]}")
    print(json.dumps({"checked": checked, "executed": executed, "failures": failures}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
