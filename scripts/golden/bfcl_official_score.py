"""Scores BFCL result files with the official bfcl-eval checker (its eval runner's evaluate_task, as
`bfcl evaluate --partial-eval` does), to cross-check `lam eval bfcl` on real runs.

Usage: bfcl_official_score.py RESULT_DIR [--compare REPORT_JSON]
  RESULT_DIR: a folder holding BFCL_v4_<category>_result.json files at any depth (e.g. OUT/result/MODEL).
  --compare: `lam eval bfcl`'s report.json; exits 1 unless every category's correct/total agree.
"""
import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bfcl_official  # noqa: E402
from bfcl_agreement import CATEGORIES  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--compare")
    options = parser.parse_args()
    checker = bfcl_official.OfficialChecker()
    files = {p.name: p for p in Path(options.results).rglob("BFCL_v4_*_result.json")}
    official = {}
    with tempfile.TemporaryDirectory() as score_dir:
        table = {}
        for category in CATEGORIES:
            path = files.get(f"BFCL_v4_{category}_result.json")
            if path is None:
                continue
            model_result = checker.utils.load_file(path, sort_by_id=True)
            table = checker.runner.evaluate_task(category, path.parent, Path(score_dir), model_result,
                                                 bfcl_official.MODEL, checker.handler, table, allow_missing=True)
            header = json.loads(next(Path(score_dir).rglob(f"BFCL_v4_{category}_score.json")).open().readline())
            official[category] = {"correct": header["correct_count"], "total": header["total_count"],
                                  "accuracy": header["accuracy"]}
    print(json.dumps(official, indent=1))
    if options.compare:
        ours = json.load(open(options.compare))["categories"]
        differ = {c: (official[c], ours.get(c)) for c in official
                  if ours.get(c) is None or (ours[c]["correct"], ours[c]["total"]) != (official[c]["correct"], official[c]["total"])}
        for category, (theirs, mine) in differ.items():
            print(f"{category}: official {theirs}, lam {mine}", file=sys.stderr)
        print(f"{len(official) - len(differ)}/{len(official)} categories agree", file=sys.stderr)
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
