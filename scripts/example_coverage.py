"""How much of each rule its own VALID/INVALID examples exercise: branch coverage per rule module.

    python scripts/example_coverage.py [--below PERCENT] [--missing]

Run on demand (needs `coverage`, not a dependency). Each rule's examples are checked as
tests/test_rule_examples.py checks them, under coverage.py with branch measurement, one rule
after another, and the rule's own module is measured while its examples run: a branch counts only
when the rule's own examples reach it, not when another rule's examples do. Prints one line per
rule: code, module, branches covered / branches, percent; `--below` keeps the rules under a
percentage, `--missing` adds the source lines of the branches not taken (`12->15`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "glm_migrate" / "rules"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--below", type=float, default=101.0, help="only rules under this percentage")
    parser.add_argument("--missing", action="store_true", help="list the branches not taken")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    # Measure from the first import, so a rule module's definitions count as run.
    cov = coverage.Coverage(branch=True, include=[str(RULES / "*.py")], data_file=None)
    cov.start()
    from glm_migrate.rules import ALL_RULES
    from glm_migrate.testing import check_example

    cov.stop()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for rule in ALL_RULES:
            module = Path(sys.modules[rule.__module__].__file__ or "")
            cov.erase()
            cov.start()
            for example in (*rule.VALID, *rule.INVALID):
                check_example(rule, example)
            cov.stop()
            report = Path(tmp) / f"{rule.CODE}.json"
            cov.json_report(morfs=[str(module)], outfile=str(report))
            summary = json.loads(report.read_text())["files"]
            entry = next(iter(summary.values()))
            total = entry["summary"]["num_branches"]
            covered = entry["summary"]["covered_branches"]
            percent = 100.0 * covered / total if total else 100.0
            missing = [f"{a}->{b}" if b > 0 else f"{a}->exit" for a, b in entry.get("missing_branches", [])]
            rows.append((rule.CODE, module.name, covered, total, percent, missing))
    for code, name, covered, total, percent, missing in rows:
        if percent < options.below:
            print(f"{code}  {name:40} {covered:4}/{total:<4} {percent:5.1f}%")
            if options.missing and missing:
                print("        not taken: " + " ".join(missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
