"""Rewrite references to the flat modules bot/core/ had before its packages (issue 21, item 6).

`python scripts/core_moves.py FILE ...` turns `bot.core.engine` into `bot.core.conversation.engine`,
`from bot.core import commands as c` into `from bot.core.shared import commands as c` and
`bot/core/journal.py` into `bot/core/ledger/journal.py` in the files named: for a branch written
against the flat layout and merged after the move. The package of each module is read from the tree
itself (bot/core/<package>/<module>.py), so this stays true as long as no module name is reused.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "bot" / "core"


def moved() -> dict[str, str]:
    """module -> its package, for every module of a package of bot/core but the understanding's."""
    return {
        path.stem: path.parent.name
        for path in CORE.glob("*/*.py")
        if path.stem != "__init__" and path.parent.name != "understanding"
    }


def rewrite(text: str, packages: dict[str, str]) -> str:
    names = "|".join(sorted(packages, key=len, reverse=True))
    # `bot.core.access` is a package now as well as the old module: a reference already rewritten
    # (`bot.core.access.access`, `from bot.core.commands import stations`) is left alone
    text = re.sub(
        rf"\bbot\.core\.({names})\b(?!\.)(?! import (?:{names})\b)|\bbot\.core\.({names})(?=\.[A-Za-z_])(?!\.(?:{names})\b)",
        lambda m: f"bot.core.{packages[m[1] or m[2]]}.{m[1] or m[2]}",
        text,
    )
    text = re.sub(
        rf"^(\s*)from bot\.core import ({names})\b",
        lambda m: f"{m[1]}from bot.core.{packages[m[2]]} import {m[2]}",
        text,
        flags=re.M,
    )
    return re.sub(
        rf"\bbot/core/({names})\.py\b", lambda m: f"bot/core/{packages[m[1]]}/{m[1]}.py", text
    )


if __name__ == "__main__":
    packages = moved()
    for name in sys.argv[1:]:
        path = Path(name)
        before = path.read_text()
        after = rewrite(before, packages)
        if after != before:
            path.write_text(after)
            print(f"rewritten: {name}")
