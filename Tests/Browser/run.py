"""Runs the desk's browser tests: `Tests/Browser/run` (which picks the Selenium venv) calls this.

    run.py --custody PATH [--work DIR] [--port N] [--screenshots DIR] [--pg-dir DIR] [--pg-ports N,N]
           [--only PATTERN]

--pg-dir (a Scripts/pg server) adds the two-desks-on-one-PostgreSQL-case suite; without it that
suite is not run and the summary says so. Exit status 0 only when every test ran and passed.
"""
import argparse
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_desk  # noqa: E402
import test_shared_pg  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description="The desk's browser tests (headless Chromium + Selenium).")
    parser.add_argument("--custody", required=True, help="the custody binary to test")
    parser.add_argument("--work", help="folder for the cases and the desks' logs (default: a new temporary one)")
    parser.add_argument("--port", type=int, help="the SQLite desk's port (default: a free one)")
    parser.add_argument("--screenshots", help="write desk-*.png of the main pages into this folder")
    parser.add_argument("--pg-dir", help="a running Scripts/pg server's folder: also run the two-desks suite")
    parser.add_argument("--pg-ports", help="the two PostgreSQL desks' ports, N,N (default: free ones)")
    parser.add_argument("--only", help="run only the tests whose name contains this")
    args = parser.parse_args()
    if not os.access(args.custody, os.X_OK):
        sys.exit(f"browser tests: {args.custody} is not an executable custody binary: build first (swift build)")
    work = args.work or tempfile.mkdtemp(prefix="custody-browser.")
    os.makedirs(work, exist_ok=True)
    common = {"custody": os.path.abspath(args.custody), "work": work}
    test_desk.CONFIG.update(common, port=args.port, screenshots=args.screenshots)
    test_shared_pg.CONFIG.update(common, pg_dir=args.pg_dir,
                                 pg_ports=[int(p) for p in args.pg_ports.split(",")] if args.pg_ports else None)

    loader = unittest.TestLoader()
    if args.only:
        loader.testNamePatterns = [f"*{args.only}*"]
    suite = unittest.TestSuite([loader.loadTestsFromModule(test_desk)])
    if args.pg_dir:
        suite.addTests(loader.loadTestsFromModule(test_shared_pg))
    print(f"browser tests: work folder {work}", file=sys.stderr)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    if not args.pg_dir:
        print("browser tests: the two-desks PostgreSQL suite was not run (no --pg-dir)", file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)


if __name__ == "__main__":
    main()
