"""Mutation testing of the modules where a bug costs trust (run by hand; not part of .ci/run).

    python scripts/mutation.py                           # every module below, one after the other
    python scripts/mutation.py access retry              # some of them
    python scripts/mutation.py understanding --sample 300 --seed 21   # a fixed random sample
    python scripts/mutation.py journal --resume          # re-test only what the last run left alive
    python scripts/mutation.py --list                    # the modules and the tests that guard them
    python scripts/mutation.py --equivalents             # the survivors judged equivalent, and why

Uses mutmut 2 (`pip install -e '.[mutation]'`: mutmut 3 needs its own project layout). Each module is
mutated in a scratch copy of the working tree (the tree you work in is never touched, even when a
run is interrupted), and each mutant runs only the test files that guard that module, stopping at
the first failure, so a mutant costs one pytest start-up. Modules run one after the other, never
side by side (the machine is shared, and mutmut 2's cache is not made for it).

It prints, per module: the mutants, how many were tested (all of them, or the sample), killed and
survived, and the score = killed / (tested - survivors equivalent to the original). A survivor is
equivalent when no test can tell it from the original: a change to a type annotation only (never
evaluated, `from __future__ import annotations`), or one listed in EQUIVALENT below with the reason
(docs/mutation.md gives the table). Any other survivor is printed with its diff: kill it with a
test, or, if it truly is equivalent, add it to EQUIVALENT with why. The exit status is 0 when every
module scores at least TARGET_SCORE and no survivor is left unexplained.

With `--sample N --seed S`, N mutants are drawn at random (with the seed, so the same N each time
for the same source) from mutmut's list of the module's mutants; the others are skipped. The score
is then an estimate: it is printed with its 95 % (Wilson) interval.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SCORE = 0.90
CACHE_DIR = ROOT / ".mutation-cache"  # the last run's mutmut cache per module, for --resume


@dataclass(frozen=True)
class Module:
    path: str  # a file, or a package's folder (every .py file in it)
    tests: tuple[str, ...]


MODULES: dict[str, Module] = {
    # The fast, direct tests of each module (no sandbox, no conftest): a mutant costs one pytest
    # start-up. The end-to-end tests guard these modules too, but at minutes per mutant.
    "access": Module("bot/core/access/access.py", ("tests/test_access_policy.py",)),
    # the journal store is also read and written directly by the audit log's tests
    "journal": Module(
        "bot/core/ledger/journal.py",
        ("tests/test_journal_rows.py", "tests/test_store_contract.py", "tests/test_audit_log.py"),
    ),
    "retry": Module(
        "bot/clients/retry.py",
        ("tests/test_retry.py", "tests/test_retry_loop.py", "tests/test_retry_policy.py"),
    ),
    "audit": Module(
        "bot/core/ledger/audit.py", ("tests/test_audit_log.py", "tests/test_store_contract.py")
    ),
    "undo": Module("bot/core/changes/undo.py", ("tests/test_undo_direct.py",)),
    "recovery": Module("bot/core/changes/recovery.py", ("tests/test_recovery_direct.py",)),
    # ~3,600 lines and thousands of mutants: run with --sample. Its direct tests read phrasings
    # against the demo world's lexicon, without a sandbox.
    "understanding": Module(
        "bot/core/understanding",
        (
            "tests/test_understanding_direct.py",
            "tests/test_understanding_reading.py",
            "tests/test_understanding_entities.py",
            "tests/test_understanding_complete.py",
            "tests/test_understanding_spelling.py",
            "tests/test_understanding_lexicon.py",
            "tests/test_room_names_latin_letters.py",
            "tests/test_understanding_hunt.py",
            "tests/test_understanding_hunt_words.py",
            "tests/test_understanding_word_rooms.py",
            "tests/test_core_parse_gaps.py",
            "tests/test_core_phrasings.py",
            "tests/test_any_hotel_regressions.py",
            "tests/test_issue17_why.py",
            "tests/test_any_hotel_why.py",
        ),
    ),
}


@dataclass(frozen=True)
class Equivalent:
    """A survivor no test can tell from the original: the file, the changed line before and after
    (stripped; the lines before joined by newlines when the mutant replaces several), and why."""

    path: str
    before: str
    after: str
    why: str


EQUIVALENT: tuple[Equivalent, ...] = (
    Equivalent(
        "bot/core/access/access.py",
        "return first if first.rank >= second.rank else second",
        "return first if first.rank > second.rank else second",
        "equal ranks are the same role, so either one returned is the same value",
    ),
    Equivalent(
        "bot/core/access/access.py",
        'bound = self._restricted.get(channel or "")',
        'bound = self._restricted.get(channel or "XXXX")',
        "the key for no channel: no channel is named either way, so the lookup misses both times",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        'T = TypeVar("T")',
        'T = TypeVar("XXTXX")',
        "a type variable's name shows only in its repr; it is used in annotations only",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        'T = TypeVar("T")',
        "T = None",
        "a type variable used in annotations only, which are never evaluated",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        "QueuedValues = tuple[\n"
        "int, str, str, str, str, str | None, str, str, str, str, str, str | None, str | None, bool, str"
        "\n]",
        "QueuedValues = None",
        "a type alias used in annotations only",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        "Query = Callable[[str, Sequence[object]], list[tuple[object, ...]]]",
        "Query = None",
        "a type alias used in annotations only",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        "SelectRows = Callable[[str, Sequence[object]], list[JournalRow]]",
        "SelectRows = None",
        "a type alias used in annotations only",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        "def settled(self, change_id: int, limit: int, *, by_unit: bool = False) -> Settled: ...",
        "def settled(self, change_id: int, limit: int, *, by_unit: bool = True) -> Settled: ...",
        "a default in the JournalStore Protocol: only the implementations' defaults are used",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        "ids.append(int(cursor.lastrowid or 0))",
        "ids.append(int(cursor.lastrowid or 1))",
        "after an INSERT, SQLite's lastrowid is the new row's id (never 0 or None)",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        "return int(cursor.lastrowid or 0)",
        "return int(cursor.lastrowid or 1)",
        "after an INSERT, SQLite's lastrowid is the new row's id (never 0 or None)",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        "units, failed, unsure_units = counts.total, counts.total - counts.ok - counts.unknown, 0",
        "units, failed, unsure_units = counts.total, counts.total - counts.ok - counts.unknown, 1",
        "a dead store: the next line sets unsure_units again",
    ),
    Equivalent(
        "bot/core/ledger/journal.py",
        "locked_retry_s: float = 120.0,",
        "locked_retry_s: float = 121.0,",
        "the waits add up to 3.15 s then grow by 2 s: the first total at or past 120 s is 121.15 s,"
        " the first past 121 s too, so the same waits are made",
    ),
    Equivalent(
        "bot/core/ledger/audit.py",
        'state: str = ""  # the journal state (applied, unchanged, refused, failed, unknown, ...)',
        "state: str = None  # the journal state (applied, unchanged, refused, failed, unknown, ...)",
        "no state and None are both falsy: __post_init__ works the state out either way",
    ),
    Equivalent(
        "bot/core/ledger/audit.py",
        "_IN_LIST = 500  # ids per IN (...) list (SQLite's limit on a statement's variables is far above)",
        "_IN_LIST = 501  # ids per IN (...) list (SQLite's limit on a statement's variables is far above)",
        "the size of each part of a long id list: any size far below SQLite's limit reads the same rows",
    ),
    Equivalent(
        "bot/core/ledger/audit.py",
        "AuditValues = tuple[\nstr,\nstr,\nstr,\nstr | None,\nstr,\nstr,\nstr,\nstr,\nstr,\nstr,\nstr | None,\nint | None,\nstr | None,\nint | None,\n]",
        "AuditValues = None",
        "a type alias used in annotations only",
    ),
    Equivalent(
        "bot/core/ledger/audit.py",
        "entry_id = int(cursor.lastrowid or 0)",
        "entry_id = int(cursor.lastrowid or 1)",
        "after an INSERT, SQLite's lastrowid is the new row's id (never 0 or None)",
    ),
    Equivalent(
        "bot/core/ledger/audit.py",
        "self.journal.queue(entry_id, author, planned, at), changes, strict=True",
        "self.journal.queue(entry_id, author, planned, at), changes, strict=False",
        "queue returns one row per planned write, so both lists have the same length",
    ),
    Equivalent(
        "bot/core/ledger/audit.py",
        "return [cast(AuditRow, dict(zip(names, row, strict=True))) for row in cursor.fetchall()]",
        "return [cast(AuditRow, dict(zip(names, row, strict=False))) for row in cursor.fetchall()]",
        "a row has one value per column of the cursor's description",
    ),
    Equivalent(
        "bot/core/ledger/audit.py",
        "if not counted.total and entry.changes:  # written before the journal existed",
        "if not counted.total or entry.changes:  # written before the journal existed",
        "an entry's changes are in the journal or (written before it) in its JSON column, never"
        " both; with neither, both branches give 0 changed, 0 unchanged and no property",
    ),
    Equivalent(
        "bot/core/ledger/audit.py",
        'where = "WHERE at >= ?" if since else ""',
        'where = "WHERE at >= ?" if since else "XXXX"',
        "`SELECT * FROM audit XXXX ORDER BY ...`: the word is read as an alias of the table",
    ),
    Equivalent(
        "bot/core/changes/undo.py",
        "if total == 1 and settled.single is not None:",
        "if total == 1 or settled.single is not None:",
        "a change of one room has one journal row: total is 1 exactly when settled.single is set",
    ),
    Equivalent(
        "bot/core/changes/undo.py",
        "if latest is not None and (entry is None or latest.id > entry.id) and not ctx.preview:",
        "if latest is not None and (entry is None or latest.id >= entry.id) and not ctx.preview:",
        "when the latest change is the undoable one, _cannot_undo finds nothing to refuse in it"
        " (last_undoable leaves out alert clearings and changes that changed nothing)",
    ),
    Equivalent(
        "bot/core/changes/undo.py",
        'if entry is None or entry.command == "Undo":',
        'if entry is None or entry.command == "XXUndoXX":',
        "never an undo here: last_undoable leaves undos out and a named undo is answered before",
    ),
    Equivalent(
        "bot/core/changes/undo.py",
        'level = c.Level(text_at(ch.after or ch.before, "level"))',
        'level = c.Level(text_at(ch.after and ch.before, "level"))',
        "a rename's before and after both name the level (for an add, whose before is None, the"
        " same mutant is killed)",
    ),
    Equivalent(
        "bot/core/changes/undo.py",
        'what = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else "".join(kinds)',
        'what = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else "XXXX".join(kinds)',
        "the join of one kind: the separator is never written",
    ),
    Equivalent(
        "bot/core/changes/undo.py",
        'why = describe_error(sent.error) if sent.error is not None else "no answer"',
        'why = describe_error(sent.error) if sent.error is not None else "XXno answerXX"',
        "a write not applied always carries its error (profile_changes.send_journaled)",
    ),
    Equivalent(
        "bot/core/changes/undo.py",
        "if target is None and run.derived_from is not None:",
        "if target is None or run.derived_from is not None:",
        "a run that undoes a change and derives from another run re-runs an undo of that same"
        " change, so looking the target up through it finds the same one",
    ),
    Equivalent(
        "bot/clients/retry.py",
        "if delay < cap:",
        "if delay <= cap:",
        "the wait yielded is min(delay, cap): doubling once more past the cap changes no wait",
    ),
    Equivalent(
        "bot/clients/retry.py",
        "ThrottleHook = Callable[[Throttling], Awaitable[None] | None]",
        "ThrottleHook = None",
        "a type alias used in annotations only",
    ),
    Equivalent(
        "bot/clients/retry.py",
        '_POLICY: ContextVar[RetryPolicy | None] = ContextVar("retry_policy", default=None)',
        '_POLICY: ContextVar[RetryPolicy | None] = ContextVar("XXretry_policyXX", default=None)',
        "a context variable's name shows only in its repr",
    ),
    Equivalent(
        "bot/clients/retry.py",
        'T = TypeVar("T")',
        'T = TypeVar("XXTXX")',
        "a type variable's name shows only in its repr",
    ),
    Equivalent(
        "bot/clients/retry.py",
        "Verdict: TypeAlias = Done[T] | Throttle | Resend | Again",
        "Verdict: TypeAlias = None",
        "a type alias used in annotations only",
    ),
    Equivalent(
        "bot/clients/retry.py",
        "on_resend: Callable[[], None] = lambda: None,",
        "on_resend: Callable[[], None] = lambda: 0,",
        "what the default hook returns is never used",
    ),
)

STATUSES = ("ok_killed", "bad_timeout", "ok_suspicious", "bad_survived", "skipped", "untested")
# ok_suspicious: the tests failed (a kill) but took long; bad_timeout: a loop (a kill too)
KILLED = ("ok_killed", "bad_timeout", "ok_suspicious")


@dataclass
class Outcome:
    name: str
    mutants: int
    tested: int
    killed: int
    annotation: list[str]
    equivalent: list[tuple[str, str]]  # (diff, why)
    unexplained: list[str]
    untested: int
    sampled: bool
    minutes: float

    @property
    def judged(self) -> int:
        """The mutants the score is over: tested, less the survivors equivalent to the original."""
        return self.tested - len(self.annotation) - len(self.equivalent)

    @property
    def score(self) -> float:
        return self.killed / max(self.judged, 1)


def scratch_copy() -> Path:
    """The tracked and new files of the working tree, copied to a temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix="mutation-"))
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    for name in listed:
        source = ROOT / name
        if source.is_file():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp / name)
    return tmp


# mutmut's pre-mutation hook, written into the scratch copy for a sampled run: a mutant not drawn
# is skipped before it is applied.
_SAMPLE_HOOK = """
import json

_CHOSEN = {tuple(key) for key in json.load(open(".mutation-sample.json"))}


def pre_mutation(context):
    key = (context.filename, context.mutation_id.line_number, context.mutation_id.index)
    if key not in _CHOSEN:
        context.skip = True
"""

# Registers every mutant of the given paths in mutmut's cache without running any, so that the
# sample is drawn from mutmut's own list (and numbered with its ids).
_REGISTER = """
import sys
from mutmut import Context, list_mutations, python_source_files
from mutmut.cache import register_mutants, update_line_numbers

for path in sys.argv[1:]:
    for filename in python_source_files(path, ["tests"], []):
        update_line_numbers(filename)
        with open(filename) as f:
            source = f.read()
        context = Context(source=source, filename=filename, dict_synonyms=[""])
        register_mutants({filename: list_mutations(context)})
"""


def _rows(work: Path, path: str) -> list[tuple[int, str, int, int, str]]:
    """(id, file, line number, index on the line, status) of every mutant of `path`, by id. A
    status mutmut found against other tests than today's is "untested" (as mutmut reads it), but
    a kill: a killed mutant stays killed when tests are added."""
    with sqlite3.connect(work / ".mutmut-cache") as db:
        rows = db.execute(
            'SELECT m.id, f.filename, l.line_number, m."index", m.status, m.tested_against_hash'
            " FROM Mutant m JOIN Line l ON m.line = l.id JOIN SourceFile f ON l.sourcefile = f.id"
            " ORDER BY m.id"
        ).fetchall()
        found = db.execute("SELECT value FROM MiscData WHERE key = 'hash_of_tests'").fetchone()
    tests = found[0] if found else None
    inside = path.rstrip("/")
    return [
        (i, f, n, x, status if status in KILLED or tested == tests else "untested")
        for i, f, n, x, status, tested in rows
        if f == inside or f.startswith(inside + "/")
    ]


def _reset_skipped(work: Path) -> None:
    """A mutant skipped by an earlier sample is untested for this run (mutmut would keep it)."""
    with sqlite3.connect(work / ".mutmut-cache") as db:
        db.execute("UPDATE Mutant SET status = 'untested' WHERE status = 'skipped'")


def draw_sample(work: Path, env: dict[str, str], module: Module, n: int, seed: int) -> set[int]:
    """N of the module's mutant ids, drawn with the seed; the hook that skips the rest."""
    subprocess.run([sys.executable, "-c", _REGISTER, module.path], cwd=work, env=env, check=True)
    ids = [r[0] for r in _rows(work, module.path)]
    chosen = set(random.Random(seed).sample(ids, min(n, len(ids))))
    keys = [[r[1], r[2], r[3]] for r in _rows(work, module.path) if r[0] in chosen]
    (work / ".mutation-sample.json").write_text(json.dumps(keys))
    (work / "mutmut_config.py").write_text(_SAMPLE_HOOK)
    return chosen


def _mutate(
    work: Path, env: dict[str, str], module: Module, runner: str, args: argparse.Namespace
) -> tuple[set[int] | None, list[tuple[int, str, int, int, str]]]:
    """Run mutmut over the module (or its sample) until every mutant is tested; the sample drawn
    (None: all) and the mutants' rows."""
    chosen: set[int] | None = None
    if args.sample:
        if (work / ".mutmut-cache").exists():
            _reset_skipped(work)
        chosen = draw_sample(work, env, module, args.sample, args.seed)
    # mutmut 2's cache sometimes fails an assertion part-way (`assert line`); a new run goes on
    # from the statuses already cached, so run again while that makes progress.
    options = [
        "--paths-to-mutate", module.path, "--runner", runner, "--tests-dir", "tests",
        "--no-progress", "--simple-output",
    ]  # fmt: skip
    left = -1
    for _ in range(5):
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", *options], cwd=work, env=env, check=False,
            stdout=None if args.verbose else subprocess.DEVNULL,
        )  # fmt: skip
        untested = sum(1 for r in _rows(work, module.path) if r[4] == "untested")
        if untested == 0 or untested == left:
            break
        left = untested
    # mutmut 2 sometimes passes over a mutant whose line repeats in the file (six `@property`):
    # each one left is run alone.
    for mutant in [r for r in _rows(work, module.path) if r[4] == "untested"]:
        if chosen is None or mutant[0] in chosen:
            subprocess.run(
                [sys.executable, "-m", "mutmut", "run", str(mutant[0]), *options],
                cwd=work, env=env, check=False, stdout=subprocess.DEVNULL,
            )  # fmt: skip
    rows = [r for r in _rows(work, module.path) if chosen is None or r[0] in chosen]
    _verify(work, env, runner, [r for r in rows if _repeated(work, r)])
    rows = _rows(work, module.path)
    return chosen, [r for r in rows if chosen is None or r[0] in chosen]


def _repeated(work: Path, row: tuple[int, str, int, int, str]) -> bool:
    """Whether the mutant's line is written the same elsewhere in its file: mutmut 2 looks a
    mutant's status up by the line's text, so a status there may be its twin's."""
    lines = (work / row[1]).read_text().splitlines()
    return lines.count(lines[row[2]]) > 1


def _verify(
    work: Path, env: dict[str, str], runner: str, mutants: list[tuple[int, str, int, int, str]]
) -> None:
    """Apply each mutant and run its tests here, recording what they said: mutants of repeated
    lines get a status of their own."""
    with sqlite3.connect(work / ".mutmut-cache") as db:
        found = db.execute("SELECT value FROM MiscData WHERE key = 'hash_of_tests'").fetchone()
    for mutant in mutants:
        source = work / mutant[1]
        original = source.read_text()
        try:
            applied = subprocess.run(
                [sys.executable, "-m", "mutmut", "apply", str(mutant[0])],
                cwd=work, env=env, check=False, capture_output=True,
            )  # fmt: skip
            if applied.returncode != 0 or source.read_text() == original:
                continue  # not applied: mutmut's own status stands
            tests = subprocess.run(
                shlex.split(runner), cwd=work, env=env, capture_output=True, check=False
            )
        finally:
            source.write_text(original)
        status = "bad_survived" if tests.returncode == 0 else "ok_killed"
        with sqlite3.connect(work / ".mutmut-cache") as db:
            db.execute(
                "UPDATE Mutant SET status = ?, tested_against_hash = ? WHERE id = ?",
                (status, found[0] if found else None, mutant[0]),
            )


def run_module(name: str, module: Module, args: argparse.Namespace) -> Outcome:
    """Mutate one module (all its mutants, or a sample) in a scratch copy, and judge the survivors."""
    work = scratch_copy()
    cache = CACHE_DIR / f"{name}.sqlite"
    if args.resume and cache.exists():
        shutil.copy2(cache, work / ".mutmut-cache")
    # The scratch copy comes first on the path, ahead of the editable install of the real tree.
    # Of pytest's plugins only those the tests need are loaded: the others (hypothesis, coverage)
    # took more than half of each mutant's time.
    env = {
        **os.environ,
        "PYTHONPATH": f"{work}{os.pathsep}{work / 'tests'}",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    # pytest's own exit status for a mutant that breaks an import is 2, which mutmut 2 counts as a
    # survivor (it only takes 1 for a failure): this runner answers 1 for any failure.
    runner = (
        f"{sys.executable} {work / 'scripts' / 'mutation.py'} --run-tests -x -q "
        "-p no:cacheprovider -p pytest_asyncio.plugin -p pytest_timeout --noconftest "
        f"--timeout {args.timeout} {' '.join(module.tests)}"
    )
    started = time.monotonic()
    try:
        chosen, rows = _mutate(work, env, module, runner, args)
        survivors = [r for r in rows if r[4] == "bad_survived"]
        judged = [(r, _show(work, env, r[0])) for r in survivors]
    finally:  # kept for --resume, also when the run is interrupted
        CACHE_DIR.mkdir(exist_ok=True)
        if (work / ".mutmut-cache").exists():
            shutil.copy2(work / ".mutmut-cache", cache)
        shutil.rmtree(work, ignore_errors=True)
    tested = [r for r in rows if r[4] not in ("untested", "skipped")]
    annotation: list[str] = []
    equivalent: list[tuple[str, str]] = []
    unexplained: list[str] = []
    for mutant, diff in judged:
        why = equivalent_because(mutant[1], diff)
        if annotation_only(diff):
            annotation.append(diff)
        elif why is not None:
            equivalent.append((diff, why))
        else:
            unexplained.append(diff)
    return Outcome(
        name=name,
        mutants=len(_ids_in(cache, module.path)),
        tested=len(tested),
        killed=sum(1 for r in tested if r[4] in KILLED),
        annotation=annotation,
        equivalent=equivalent,
        unexplained=unexplained,
        untested=sum(1 for r in rows if r[4] == "untested"),
        sampled=chosen is not None,
        minutes=(time.monotonic() - started) / 60,
    )


def _ids_in(cache: Path, path: str) -> list[int]:
    with sqlite3.connect(cache) as db:
        rows = db.execute(
            "SELECT m.id, f.filename FROM Mutant m JOIN Line l ON m.line = l.id "
            "JOIN SourceFile f ON l.sourcefile = f.id"
        ).fetchall()
    inside = path.rstrip("/")
    return [i for i, f in rows if f == inside or f.startswith(inside + "/")]


_ANNOTATED = re.compile(r"^[-+]\s*(def .*->|[\w.]+\s*:\s*[^=]*\|)")


def _changed(diff: str) -> list[str]:
    """The lines a diff removes and adds (its headers left out)."""
    return [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("---", "+++")
    ]


def annotation_only(diff: str) -> bool:
    """A mutant that changes only a type annotation (`str | None` -> `str & None`): with
    `from __future__ import annotations` annotations are never evaluated, so it is equivalent by
    construction and left out of the score (counted apart)."""
    changed = _changed(diff)
    if len(changed) != 2:
        return False
    before, after = changed[0][1:], changed[1][1:]
    swaps = [i for i, c in enumerate(before) if c == "|"]
    one_swap = any(after == before[:i] + "&" + before[i + 1 :] for i in swaps)
    return one_swap and bool(_ANNOTATED.match(changed[0]))


def equivalent_because(path: str, diff: str) -> str | None:
    """Why this survivor is equivalent, when EQUIVALENT lists it (the same file, the same line
    before and after), else None."""
    changed = [line for line in _changed(diff) if line[1:].strip()]
    before = [line[1:].strip() for line in changed if line[0] == "-"]
    after = [line[1:].strip() for line in changed if line[0] == "+"]
    for known in EQUIVALENT:
        if known.path == path and "\n".join(before) == known.before and after == [known.after]:
            return known.why
    return None


def _show(work: Path, env: dict[str, str], mutant: int) -> str:
    """The diff of one mutant, as `mutmut show` prints it."""
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", str(mutant)],
        cwd=work, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return shown.stdout.strip()


def wilson(killed: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % interval of a proportion estimated from a sample (Wilson's score interval)."""
    if n == 0:
        return 0.0, 1.0
    p = killed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def report(outcomes: Sequence[Outcome]) -> bool:
    """The table of scores; True when every module reaches the target with every survivor explained."""
    print(
        "\nmodule         mutants  tested  killed  survived (annotation, equivalent, unexplained)"
        "   score"
    )
    ok = True
    for o in outcomes:
        survived = len(o.annotation) + len(o.equivalent) + len(o.unexplained)
        line = (
            f"{o.name:14} {o.mutants:7} {o.tested:7} {o.killed:7}  {survived:4} "
            f"({len(o.annotation)}, {len(o.equivalent)}, {len(o.unexplained)})"
            f"{'':27} {o.score:6.1%}"
        )
        if o.sampled:
            low, high = wilson(o.killed, o.judged)
            line += f"  (sample; 95 % interval {low:.1%} .. {high:.1%})"
        if o.untested:
            line += f"  [{o.untested} not tested: mutmut stopped]"
        print(line)
        ok = ok and o.score >= TARGET_SCORE and not o.unexplained and not o.untested
    if len(outcomes) > 1:
        killed = sum(o.killed for o in outcomes)
        judged = sum(o.judged for o in outcomes)
        print(f"{'all':14} {'':7} {sum(o.tested for o in outcomes):7} {killed:7}{'':48}"
              f"{killed / max(judged, 1):6.1%}")  # fmt: skip
    print("score = killed / (tested - equivalent survivors); equivalents and why: --equivalents")
    return ok


def run_tests(pytest_args: list[str]) -> int:
    """The runner of each mutant: pytest in this process, 1 for any failure (mutmut 2 counts only
    an exit status of 1 as a kill; pytest says 2 when a mutant breaks the collection)."""
    import pytest

    return 0 if pytest.main(pytest_args) == 0 else 1


def main() -> int:
    if sys.argv[1:2] == ["--run-tests"]:
        return run_tests(sys.argv[2:])
    # A mutant of `owner_alive` (bot/core/ledger/journal.py) sends SIGHUP instead of asking whether a pid
    # lives, and the tests ask about their parent: mutmut's worker. Ignored here, by every child.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("modules", nargs="*", choices=[[], *MODULES], default=[])
    parser.add_argument("--list", action="store_true", help="show the modules and their tests")
    parser.add_argument("--equivalents", action="store_true", help="the equivalent survivors")
    parser.add_argument("--timeout", type=int, default=60, help="seconds per test (a loop = kill)")
    parser.add_argument("--sample", type=int, default=0, help="test N mutants drawn at random")
    parser.add_argument("--seed", type=int, default=21, help="the seed of --sample's draw")
    parser.add_argument(
        "--resume", action="store_true",
        help="start from the last run's cache: killed mutants stay killed, the rest run again",
    )  # fmt: skip
    parser.add_argument("--verbose", action="store_true", help="show mutmut's own output")
    args = parser.parse_args()
    if args.list:
        for name, module in MODULES.items():
            print(f"{name:14} {module.path:28} {' '.join(module.tests)}")
        return 0
    if args.equivalents:
        print("| File | Before | After | Why it is equivalent |\n|---|---|---|---|")
        for known in EQUIVALENT:
            cells = [f"`{known.path}`", f"`{known.before}`", f"`{known.after}`", known.why]
            print("| " + " | ".join(c.replace("\n", " ").replace("|", "\\|") for c in cells) + " |")
        return 0
    outcomes: list[Outcome] = []
    for name in args.modules or list(MODULES):
        outcome = run_module(name, MODULES[name], args)
        print(f"\n[{name}] {MODULES[name].path}: {outcome.mutants} mutants, {outcome.tested} tested, "
              f"{outcome.killed} killed ({outcome.minutes:.1f} min)")  # fmt: skip
        for diff, why in outcome.equivalent:
            print(f"equivalent ({why}):\n{diff}\n")
        for diff in outcome.unexplained:
            print(f"SURVIVED:\n{diff}\n")
        print(f"[{name}] {len(outcome.annotation)} survivors change only a type annotation")
        outcomes.append(outcome)
    return 0 if report(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
