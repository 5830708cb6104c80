"""Run every benchmark script in bench/ one after the other and print their figures.

    .venv/bin/python bench/run_all.py              # all of them
    .venv/bin/python bench/run_all.py progress     # only bench/progress_bench.py
    .venv/bin/python bench/run_all.py --list

Each script (bench/*_bench.py) is run in its own process with this interpreter, from the project root,
and prints its own figures; it picks its own PostgreSQL database. The whole output of each script is
also kept in bench/out/<name>.txt. The machine is shared and noisy: compare ratios measured in one run.
Exit status: 0 when every script succeeded, 1 otherwise.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"


def scripts():
    return sorted(p for p in BENCH.glob("*_bench.py"))


def name_of(path):
    return path.stem.removesuffix("_bench")


def run(path, extra_args):
    OUT.mkdir(exist_ok=True)
    log = OUT / f"{name_of(path)}.txt"
    print(f"\n=== {path.name} " + "=" * max(0, 60 - len(path.name)), flush=True)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, str(path), *extra_args],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in process.stdout:
            sys.stdout.write(line)
            out.write(line)
        process.wait()
    return process.returncode, time.perf_counter() - started, log


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="run only these (e.g. progress import bulletin)")
    parser.add_argument("--list", action="store_true", help="list the benchmark scripts and exit")
    args, extra = parser.parse_known_args(argv)

    found = scripts()
    if args.list:
        for path in found:
            print(f"{name_of(path):12} {path.relative_to(ROOT)}")
        return 0
    if args.names:
        unknown = set(args.names) - {name_of(p) for p in found}
        if unknown:
            parser.error(f"no benchmark named {', '.join(sorted(unknown))}; see --list")
        found = [p for p in found if name_of(p) in args.names]
    if not found:
        print("No benchmark scripts (bench/*_bench.py) found.")
        return 1

    results = [(path, *run(path, extra)) for path in found]

    print("\n=== summary " + "=" * 52)
    for path, status, seconds, log in results:
        verdict = "ok" if status == 0 else f"FAILED (exit {status})"
        print(f"{path.name:24} {verdict:18} {seconds:8.1f} s   output: {log.relative_to(ROOT)}")
    return 0 if all(status == 0 for _, status, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
