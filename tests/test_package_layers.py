"""bot/core/ is packages in layers, named for the steps of a message, and imports run only downwards.

Bottom to top: `shared` (the values, ports and errors every step passes: commands as data, replies,
the registry through which lower packages reach the handlers), `understanding` (text -> command),
`ledger` (the bot's records: audit log, change journal, leases, plans, settings made in chat),
`access` (the request in flight and who may do what: Ctx, Services, the resolver, the policy),
`changes` (writing through the ledger, undo, retry, recovery), `commands` (the cmd_*.py entries and
their handlers), `conversation` (the engine: one turn, compound requests, questions).

A module may import its own package and the packages below it, never one above: every import
counts, inside functions and under TYPE_CHECKING too (the graph of tests/test_import_graph.py).
`python tests/test_package_layers.py` prints the imports that run upwards and their count.
"""

from __future__ import annotations

from test_import_graph import PACKAGE, cycles, import_graph

CORE = "bot.core"
LAYERS = ("shared", "understanding", "ledger", "access", "changes", "commands", "conversation")


def package_of(module: str) -> str | None:
    """The package of bot/core a module belongs to (None: outside bot/core, or bot/core itself)."""
    if not module.startswith(CORE + "."):
        return None
    return module.removeprefix(CORE + ".").split(".")[0]


def upward_imports(graph: dict[str, set[str]], layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Every import from a package of bot/core to a package above it, as "a (pkg) -> b (pkg)"."""
    rank = {name: place for place, name in enumerate(layers)}
    found = []
    for source, targets in sorted(graph.items()):
        here = package_of(source)
        if here is None:
            continue
        for target in sorted(targets):
            there = package_of(target)
            if there is not None and there != here and rank[there] > rank[here]:
                found.append(f"{source} ({here}) -> {target} ({there})")
    return found


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The imports between the packages of bot/core."""
    packages: dict[str, set[str]] = {}
    for source, targets in graph.items():
        here = package_of(source)
        if here is None:
            continue
        edges = packages.setdefault(here, set())
        edges.update(
            there for there in map(package_of, targets) if there is not None and there != here
        )
    return packages


def test_every_module_of_core_lives_in_a_layer() -> None:
    """No module sits loose in bot/core/, and every package there is one of the layers."""
    core = PACKAGE / "core"
    loose = sorted(p.name for p in core.glob("*.py") if p.name != "__init__.py")
    assert loose == []
    packages = sorted(p.name for p in core.iterdir() if (p / "__init__.py").is_file())
    assert packages == sorted(LAYERS)


def test_no_import_runs_up_the_layers() -> None:
    """A lower package reaches a higher one only through what it is given (the registry's
    entries, the runner installed into unit_writes), never by importing it."""
    assert upward_imports(import_graph()) == []


def test_the_packages_of_core_import_no_cycle() -> None:
    """Read as packages, bot/core has no loop either (implied by the order; said on its own)."""
    assert cycles(package_graph(import_graph())) == []


def test_the_layer_check_finds_an_upward_import() -> None:
    """The check itself: an import from shared to the engine is found, one downwards is not."""
    graph = {
        "bot.core.shared.registry": {"bot.core.conversation.engine", "bot.core.shared.commands"},
        "bot.core.conversation.engine": {"bot.core.shared.registry", "bot.clock"},
        "bot.runtime": {"bot.core.conversation.engine"},
    }
    assert upward_imports(graph) == [
        "bot.core.shared.registry (shared) -> bot.core.conversation.engine (conversation)"
    ]
    assert cycles(package_graph(graph)) == [["conversation", "shared"]]


if __name__ == "__main__":
    found = upward_imports(import_graph())
    print("\n".join(found))
    print(f"upward imports: {len(found)}")
