#!/usr/bin/python3
"""find_bug.py BINARY TAG [MAX_EXAMPLES] - search generated cases for one that
fails with known-bug TAG only, let hypothesis shrink it and keep it as
tests/model/regressions/TAG-*.yaml (then list it in known_bugs.KNOWN).
A maintenance tool, not part of make test."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from hypothesis import HealthCheck, find, settings  # noqa: E402

from model import gen, props  # noqa: E402
from test_model import REG, save  # noqa: E402


def main():
    binary, tag = os.path.abspath(sys.argv[1]), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 3000

    best = {"len": None, "name": None}

    def bad(case):
        stream = case.stream()
        problems, tags = props.check(binary, stream, case.opts)
        if not (problems and tags == {tag}):
            return False
        if best["len"] is None or len(stream) < best["len"]:  # keep the smallest so far
            if best["name"]:
                for ext in (".yaml", ".json"):
                    os.unlink(os.path.join(REG, best["name"] + ext))
            best["len"], best["name"] = len(stream), save(stream, case.opts, prefix=tag)
            print(best["name"], best["len"], flush=True)
        return True

    find(gen.cases(), bad, settings=settings(max_examples=n, database=None, deadline=None,
                                             suppress_health_check=list(HealthCheck)))


if __name__ == "__main__":
    main()
