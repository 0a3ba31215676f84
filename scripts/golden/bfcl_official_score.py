"""Scores BFCL result files with the official bfcl-eval checker (its eval runner's evaluate_task, as
`bfcl evaluate --partial-eval` does), to cross-check `lam eval bfcl` on real runs.

Usage: bfcl_official_score.py RESULT_DIR [--compare REPORT_JSON]
  RESULT_DIR: a folder holding BFCL_v4_<category>_result.json files at any depth (e.g. OUT/result/MODEL).
  --compare: `lam eval bfcl`'s report.json; exits 1 unless, in every category, the official checker fails
             exactly the entries lam's score files (the `score` folder beside report.json) list as failed.
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
    official, official_failed = {}, {}
    with tempfile.TemporaryDirectory() as score_dir:
        table = {}
        for category in CATEGORIES:
            path = files.get(f"BFCL_v4_{category}_result.json")
            if path is None:
                continue
            model_result = checker.utils.load_file(path, sort_by_id=True)
            table = checker.runner.evaluate_task(category, path.parent, Path(score_dir), model_result,
                                                 bfcl_official.MODEL, checker.handler, table, allow_missing=True)
            header, failed = read_score_file(next(Path(score_dir).rglob(f"BFCL_v4_{category}_score.json")))
            official[category] = {"correct": header["correct_count"], "total": header["total_count"],
                                  "accuracy": header["accuracy"]}
            official_failed[category] = failed
    print(json.dumps(official, indent=1))
    if options.compare:
        ours = json.load(open(options.compare))["categories"]
        our_scores = {p.name: p for p in (Path(options.compare).parent / "score").rglob("BFCL_v4_*_score.json")}
        differ = 0
        for category, theirs in official.items():
            mine = ours.get(category)
            score_file = our_scores.get(f"BFCL_v4_{category}_score.json")
            our_failed = read_score_file(score_file)[1] if score_file else None
            if mine is None or (mine["correct"], mine["total"]) != (theirs["correct"], theirs["total"]) \
                    or our_failed != official_failed[category]:
                differ += 1
                only_official = sorted(official_failed[category] - (our_failed or set()))
                only_ours = sorted((our_failed or set()) - official_failed[category])
                print(f"{category}: official {theirs}, lam {mine}; failed only officially: {only_official}, "
                      f"only by lam: {only_ours}", file=sys.stderr)
        entries = sum(theirs["total"] for theirs in official.values())
        print(f"{len(official) - differ}/{len(official)} categories agree entry by entry ({entries} entries)",
              file=sys.stderr)
        sys.exit(1 if differ else 0)


def read_score_file(path):
    """A BFCL score file: its header line, and the ids of the entries it lists (the failed ones)."""
    lines = [json.loads(line) for line in path.open() if line.strip()]
    return lines[0], {line["id"] for line in lines[1:]}


if __name__ == "__main__":
    main()
