"""Mutation testing of the modules where a bug costs trust (run by hand; not part of .ci/run).

    python scripts/mutation.py                 # every module below
    python scripts/mutation.py access retry    # some of them
    python scripts/mutation.py --list          # the modules and the tests that guard them

Uses mutmut 2 (`pip install 'mutmut<3'`: mutmut 3 needs its own project layout). Each module is
mutated in a scratch copy of the working tree (the tree you work in is never touched, even when a
run is interrupted), and each mutant runs only the test files that guard that module, stopping at
the first failure, so a run takes minutes, not hours. It prints, per module, the mutants killed,
the survivors (with their diffs) and the score; survivors that are equivalent to the original (no
test could tell them apart) are listed, with why, in docs/mutation.md.

To guard another module (the understanding package, once it is one), add a line to MODULES.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SCORE = 0.90


@dataclass(frozen=True)
class Module:
    path: str
    tests: tuple[str, ...]


MODULES: dict[str, Module] = {
    # The fast, direct tests of each module (no sandbox, no conftest): a mutant costs one pytest
    # start-up. The end-to-end tests guard these modules too, but at minutes per mutant.
    "access": Module("bot/core/access/access.py", ("tests/test_access_policy.py",)),
    "journal": Module("bot/core/ledger/journal.py", ("tests/test_journal_rows.py",)),
    "retry": Module("bot/clients/retry.py", ("tests/test_retry.py", "tests/test_retry_policy.py")),
    # "understanding": Module("bot/core/understanding/...", ("tests/test_...",)),
}


def scratch_copy() -> Path:
    """The tracked and new files of the working tree, copied to a temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix="mutation-"))
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp / name)
    return tmp


def run_module(name: str, module: Module, timeout_s: int) -> tuple[int, int, list[str]]:
    """Mutate one module; returns (killed, total, survivor diffs)."""
    work = scratch_copy()
    # The scratch copy comes first on the path, ahead of the editable install of the real tree.
    env = {**os.environ, "PYTHONPATH": f"{work}{os.pathsep}{work / 'tests'}"}
    runner = (
        f"{sys.executable} -m pytest -x -q -p no:cacheprovider --noconftest "
        f"--timeout {timeout_s} {' '.join(module.tests)}"
    )
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--paths-to-mutate", module.path,
         "--runner", runner, "--tests-dir", "tests", "--no-progress"],
        cwd=work, env=env, check=False,
    )  # fmt: skip
    results = subprocess.run(
        [sys.executable, "-m", "mutmut", "results"],
        cwd=work, env=env, capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    ids = _survivor_ids(results)
    diffs = [_show(work, env, i) for i in ids]
    total = _total(work, env)
    shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    print(f"\n[{name}] {module.path}: {total} mutants, {len(ids)} survived ({minutes:.1f} min)")
    return total - len(ids), total, diffs


_ANNOTATED = re.compile(r"^[-+]\s*(def .*->|[\w.]+\s*:\s*[^=]*\|)")


def annotation_only(diff: str) -> bool:
    """A mutant that changes only a type annotation (`str | None` -> `str & None`): with
    `from __future__ import annotations` annotations are never evaluated, so it is equivalent by
    construction and left out of the score (counted apart)."""
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")
    ]
    if len(changed) != 2:
        return False
    before, after = changed[0][1:], changed[1][1:]
    swaps = [i for i, c in enumerate(before) if c == "|"]
    one_swap = any(after == before[:i] + "&" + before[i + 1 :] for i in swaps)
    return one_swap and bool(_ANNOTATED.match(changed[0]))


def _show(work: Path, env: dict[str, str], mutant: int) -> str:
    """The diff of one mutant, as `mutmut show` prints it."""
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", str(mutant)],
        cwd=work, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return shown.stdout.strip()


def _survivor_ids(results: str) -> list[int]:
    """Mutant ids under 'Survived' (and 'Suspicious': too slow, so not a kill) in `mutmut results`."""
    ids: list[int] = []
    section = ""
    for line in results.splitlines():
        if line.startswith(("Survived", "Suspicious", "Killed", "Timed out", "Untested")):
            section = line.split()[0]
            continue
        if section in ("Survived", "Suspicious", "Untested"):
            for part in re.findall(r"(\d+)(?:-(\d+))?", line.split(":")[-1]):
                first, last = int(part[0]), int(part[1] or part[0])
                ids.extend(range(first, last + 1))
    return ids


def _total(work: Path, env: dict[str, str]) -> int:
    import sqlite3

    with sqlite3.connect(work / ".mutmut-cache") as db:
        return int(db.execute("SELECT COUNT(*) FROM Mutant").fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", choices=[[], *MODULES], default=[])
    parser.add_argument("--list", action="store_true", help="show the modules and their tests")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per test (a loop = kill)")
    args = parser.parse_args()
    if args.list:
        for name, module in MODULES.items():
            print(f"{name:10} {module.path:28} {' '.join(module.tests)}")
        return 0
    names = args.modules or list(MODULES)
    scores: list[tuple[str, int, int]] = []
    for name in names:
        killed, total, diffs = run_module(name, MODULES[name], args.timeout)
        annotations = [d for d in diffs if annotation_only(d)]
        for diff in diffs:
            if diff not in annotations:
                print(diff, "\n")
        print(f"[{name}] {len(annotations)} survivors change only a type annotation (equivalent)")
        scores.append((name, killed, total - len(annotations)))
    print("\nmodule      killed / mutants   score   (mutants of type annotations left out)")
    all_killed = sum(k for _, k, _ in scores)
    all_total = sum(t for _, _, t in scores)
    for name, killed, total in scores:
        print(f"{name:10} {killed:6} / {total:<7}  {killed / max(total, 1):6.1%}")
    print(f"{'all':10} {all_killed:6} / {all_total:<7}  {all_killed / max(all_total, 1):6.1%}")
    print("Survivors judged equivalent, and why: docs/mutation.md")
    return 0 if all_killed >= TARGET_SCORE * all_total else 1


if __name__ == "__main__":
    sys.exit(main())
