"""Shared reporting for the Python test drivers: one line per case, then the
closing "SUITE: N passed, N failed" line that CI reads."""


class Report:
    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = 0

    def case(self, name, errors):
        """Record case `name`; `errors` is a list of messages (empty = passed)."""
        print("%s %s %s" % ("ok  " if not errors else "FAIL", self.suite, name))
        for e in errors:
            print("     " + e)
        if errors:
            self.failed += 1
        else:
            self.passed += 1

    def finish(self):
        """Print the summary line; return the exit status."""
        print("%s: %d passed, %d failed" % (self.suite, self.passed, self.failed))
        return 1 if self.failed else 0
