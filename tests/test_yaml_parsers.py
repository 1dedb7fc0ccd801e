"""The manuscript's YAML read with libyaml's parser (``parse.source._Parser``, where
PyYAML was built with it) and with PyYAML's own in Python give the same values, the
same line of every key, and the same line and column for every error; the bounds
(aliases, depth, digits) hold with both.  (Their wording differs in a few messages,
and libyaml takes a tab after ``key:`` as the space YAML allows there.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

CASES = [
    "a: 1\nb: \x01x\n",
    "a: é\nb: ü\nc: \uffff\n",  # (libyaml counts the position in bytes)
    "a: [1, 2\nb: 3\n",
    "a: 1\n  b: 2\n",
    "a: &x 1\nb: *x\n",
    "a:\n" + "  - " * 70 + "1\n",
    "[" * 70 + "]" * 70 + "\n",
    "a: " + "9" * 50 + "\n",
    "- a\n- b: c\n  d: e\n",
    "a: 'unterminated\n",
    "\ufeffa: 1\n",
    "k: v\nk: w\n",
    "a: b\n\u2028c: d\n",
    "x: !!python/object:os.system 1\n",
    "? [a]\n: b\n",
    "a: |\n  text\n   more\nb: 1\n",
    "{a: 1, b: [x, {c: d}]}\n",
    "--- a\n--- b\n",
    "a: 1\n\x00",
    "date: 1947-07-12\nn: 1_000\nf: 1.5e3\nb: yes\nnull: ~\n",
    "a:\n  - b\n  -\n  - c: [1,2]\n",
    "%YAML 1.1\n---\na: 1\n",
]

READ = """
import json, sys
import yaml
if sys.argv[1] == "python":
    yaml.__with_libyaml__ = False
from publish.diagnostics import Collector
from publish.parse import source
out = []
for text in json.loads(sys.stdin.read()):
    found = Collector()
    try:
        data, lines = source.load_yaml(text, "x.yaml", found)
        out.append(["read", data, sorted([[str(p) for p in k], v] for k, v in lines.items()), [str(d) for d in found.items]])
    except source.YamlSyntaxError:
        out.append(["refused", [[d.code.value, d.loc.line, d.loc.col] for d in found.items]])
print(json.dumps([source._Parser.__name__, out]))
"""


def _read(parser: str) -> tuple[str, list]:
    done = subprocess.run(
        [sys.executable, "-c", READ, parser], input=json.dumps(CASES), capture_output=True, text=True, timeout=60, check=True
    )
    name, out = json.loads(done.stdout)
    return name, out


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")
def test_libyaml_and_pyyaml_read_the_manuscript_alike() -> None:
    (fast, by_c), (slow, by_python) = _read("c"), _read("python")
    assert (fast, slow) == ("CParser", "_PyParser")
    for text, c, python in zip(CASES, by_c, by_python, strict=True):
        assert c == python, text
    refused = [c for c in by_c if c[0] == "refused"]
    assert len(refused) >= 12 and all(line > 0 for c in refused for _, line, _ in c[1])
