"""Per server: the counts by verdict of each run, and the tests whose verdict differed between runs.

    python3 peers-summary.py OUT_DIR RUNS NAME...     (reads OUT_DIR/NAME-runN.json, written by peers.sh)
"""
import json
import os
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return {t["name"]: t["verdict"] for t in json.load(f)["tests"]}
    except FileNotFoundError:
        print(f"  {os.path.basename(path)}: missing (the run did not finish; see peers.sh's output)")
    except OSError as e:
        print(f"  {os.path.basename(path)}: cannot be read ({e.strerror})")
    except (ValueError, KeyError):
        print(f"  {os.path.basename(path)}: not a test --json report")
    return None


def counts(verdicts):
    c = {}
    for v in verdicts.values():
        c[v] = c.get(v, 0) + 1
    order = ["PASS", "FAIL", "OBSERVED", "SKIP", "ERROR", "NOT_SERVING", "INTERMITTENT"]
    return ", ".join(f"{c[v]} {v.lower()}" for v in sorted(c, key=lambda v: (order + [v]).index(v)))


def main(out, runs, names):
    for name in names:
        print(f"{name}:")
        results = [load(os.path.join(out, f"{name}-run{i}.json")) for i in range(1, runs + 1)]
        for i, r in enumerate(results, 1):
            if r is not None:
                print(f"  run {i}: {counts(r)}")
        present = [r for r in results if r is not None]
        if len(present) < 2:
            continue
        tests = sorted(set().union(*present))
        differing = [t for t in tests if len({r.get(t, "absent") for r in present}) > 1]
        if not differing:
            print(f"  verdicts identical across {len(present)} runs")
            continue
        print(f"  verdicts differ across runs in {len(differing)} tests:")
        for t in differing:
            print(f"    {t}: " + " / ".join(r.get(t, "absent") for r in present))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3:])
