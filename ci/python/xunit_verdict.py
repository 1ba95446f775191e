"""The verdict of one test run, read from the xunit file Swift Testing wrote (never its console).

Usage: xunit_verdict.py FILE               pass when the run recorded no failure
       xunit_verdict.py FILE --fails TEST  pass when TEST (a test function, e.g. idleGap) failed

Prints one line (tests, failures, skipped, and the failed tests' names) and exits 1, saying why,
when the verdict is not the expected one, or when FILE is missing or ran no test (a harness
problem, reported as such).
"""
import argparse
import sys
import xml.etree.ElementTree as ElementTree


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--fails", help="the test function that must have failed")
    args = parser.parse_args()
    try:
        cases = ElementTree.parse(args.file).getroot().iter("testcase")
    except (OSError, ElementTree.ParseError) as error:
        print(f"error: no test results in {args.file} (the test run did not finish): {error}", file=sys.stderr)
        return 1
    tests, skipped, failed = 0, 0, []
    for case in cases:
        tests += 1
        if case.find("skipped") is not None:
            skipped += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(case.get("name", "?").removesuffix("()"))
    print(f"   {tests} tests, {len(failed)} failed, {skipped} skipped" + (f": {', '.join(failed[:10])}" if failed else ""))
    if tests == 0:
        print(f"error: {args.file} records no test (a filter that matched nothing?)", file=sys.stderr)
        return 1
    if args.fails:
        if args.fails not in failed:
            print(f"error: {args.fails} did not fail", file=sys.stderr)
            return 1
    elif failed:
        print(f"error: {len(failed)} tests failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
