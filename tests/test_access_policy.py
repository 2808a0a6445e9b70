"""One access policy (issue 21, item 3): `Access.decide` answers every question of who may do what,
where; a matrix over roles x scopes x command kinds, the same answers on every chat platform, the
issue's three access findings, and the four authorization mutants that used to survive."""

from __future__ import annotations

import itertools
from dataclasses import FrozenInstanceError, dataclass

import pytest

from bot.core.access.access import (
    Access,
    CommandKind,
    Decision,
    NamedProperty,
    Request,
    properties_named,
)
from bot.core.shared.commands import Role
from bot.settings import PropertyConfig, RolesConfig


@dataclass(frozen=True)
class Prop:
    id: str
    name: str


LONDON = Prop("amzn1.alexa.unit.did.LONDON", "London")
PARIS = Prop("amzn1.alexa.unit.did.PARIS", "Paris")

# user -> (where the role holds: "chain" or a property name, the role)
GRANTS: dict[str, tuple[str, Role] | None] = {
    "chain_admin": ("chain", Role.ADMIN),
    "chain_engineer": ("chain", Role.ENGINEER),
    "chain_desk": ("chain", Role.FRONT_DESK),
    "london_admin": ("London", Role.ADMIN),
    "london_engineer": ("London", Role.ENGINEER),
    "london_desk": ("London", Role.FRONT_DESK),
    "nobody": None,
}


def matrix_access() -> Access:
    roles = RolesConfig(
        admin=["chain_admin"], engineer=["chain_engineer"], front_desk=["chain_desk"]
    )
    london = PropertyConfig(
        name="London",
        admins=["london_admin"],
        engineers=["london_engineer"],
        front_desk=["london_desk"],
    )
    return Access(roles, properties=[london, PropertyConfig(name="Paris")])


def expected(user: str, kind: CommandKind, needed: Role, target: Prop | None, owner: str) -> bool:
    """The policy in words: a role allows what it ranks at or above, where it holds (the chain, or
    one property); the chain's own commands need a chain-wide role, as does anything of no
    property; someone else's confirmation or change is answered/undone by its owner or an admin
    where it happened."""
    grant = GRANTS[user]
    if kind in (CommandKind.ANSWER, CommandKind.CHANGE) and owner == user:
        return True
    if grant is None:
        return False
    where, role = grant
    covers = where == "chain" or (target is not None and where == target.name)
    if kind in (CommandKind.ANSWER, CommandKind.CHANGE):
        return role == Role.ADMIN and covers
    if kind == CommandKind.CHAIN:
        return where == "chain" and role.allows(needed)
    return covers and role.allows(needed)


KINDS = list(CommandKind)
TARGETS: list[Prop | None] = [LONDON, PARIS, None]


@pytest.mark.parametrize("kind", KINDS)
def test_the_policy_matrix(kind: CommandKind) -> None:
    """Every user (admin, engineer, front desk of the chain or of London, and nobody) x every role
    a command may need x target (London, Paris, no property) x owner (someone else, themself):
    `decide` allows exactly what the policy says, and every refusal says why."""
    access = matrix_access()
    for user, needed, target, owner in itertools.product(
        GRANTS, list(Role), TARGETS, ["clerk", "self"]
    ):
        owner_id = user if owner == "self" else owner
        targets = () if kind == CommandKind.CHAIN else (target,)
        decision = access.decide(Request(user, needed, kind, None, targets, owner_id))
        want = expected(user, kind, needed, target, owner_id)
        assert decision.allowed == want, (user, needed, target, owner, decision.reason)
        assert decision.allowed or (
            decision.reason and decision.reason.startswith(("Sorry", "This"))
        )


def test_a_restricted_channel_keeps_every_kind_to_its_property() -> None:
    """In a channel bound to London (`restrict_channels`), even a chain admin acts on London only,
    and answers or undoes only London's requests of others."""
    london = PropertyConfig(name="London", channels=["C-LON"], restrict_channels=True)
    access = Access(RolesConfig(admin=["boss"]), properties=[london, PropertyConfig(name="Paris")])
    here = Request("boss", Role.FRONT_DESK, CommandKind.PROPERTY, "C-LON", (PARIS,))
    assert "This channel is for London only" in (access.decide(here).reason or "")
    assert access.decide(Request("boss", Role.ADMIN, channel="C-LON", targets=(LONDON,))).allowed
    answer = Request("boss", Role.FRONT_DESK, CommandKind.ANSWER, "C-LON", (PARIS,), "clerk")
    assert not access.decide(answer).allowed
    answer_here = Request("boss", Role.FRONT_DESK, CommandKind.ANSWER, "C-LON", (LONDON,), "clerk")
    assert access.decide(answer_here).allowed


# --- the four authorization mutants that survived the whole suite -------------------------------


def test_a_property_role_above_the_chain_role_wins() -> None:
    """Front desk across the chain and admin at London: admin at London (the higher of the two),
    front desk at Paris."""
    london = PropertyConfig(name="London", admins=["u"])
    access = Access(RolesConfig(front_desk=["u"]), properties=[london])
    assert access.role_at("u", LONDON) == Role.ADMIN
    assert access.role_at("u", PARIS) == Role.FRONT_DESK
    assert access.refusal("u", None, Role.ADMIN, [LONDON]) is None
    chain_higher = Access(RolesConfig(admin=["v"]), properties=[PropertyConfig(name="London", front_desk=["v"])])  # fmt: skip
    assert chain_higher.role_at("v", LONDON) == Role.ADMIN


def test_a_property_granted_by_its_id_is_matched() -> None:
    """bot.toml may name a property by its unit id: the roles there hold at that property."""
    by_id = PropertyConfig(name=LONDON.id, engineers=["u"])
    access = Access(None, properties=[by_id])
    assert access.role_at("u", LONDON) == Role.ENGINEER
    assert access.refusal("u", None, Role.ENGINEER, [LONDON]) is None
    assert access.refusal("u", None, Role.ENGINEER, [PARIS]) is not None


def test_an_insufficient_chain_role_is_limited() -> None:
    """Front desk across the chain asking for an engineer's command is limited (to the properties
    where they are more), not free across the chain."""
    access = Access(RolesConfig(front_desk=["u"], engineer=["e"]))
    assert access.limited("u", Role.ENGINEER)
    assert not access.limited("u", Role.FRONT_DESK)
    assert not access.limited("e", Role.ENGINEER)
    assert access.limited("stranger", Role.FRONT_DESK)
    assert access.chain_refusal("u", Role.ENGINEER) is not None


def test_an_engineer_may_not_answer_someone_elses_confirmation() -> None:
    """A chain engineer is no admin: another person's confirmation or change is not theirs."""
    access = Access(RolesConfig(admin=["boss"], engineer=["eng"]))
    assert not access.is_admin("eng") and access.is_admin("boss")
    for kind in (CommandKind.ANSWER, CommandKind.CHANGE):
        assert access.change_refusal("eng", "clerk", [LONDON], kind=kind) is not None
        assert access.change_refusal("boss", "clerk", [LONDON], kind=kind) is None
        assert access.change_refusal("clerk", "clerk", [LONDON], kind=kind) is None


def test_requests_and_decisions_are_plain_values() -> None:
    """A request is about properties, from no channel, of nobody's change unless said; a decision
    without a reason allows; both are immutable (a policy answer cannot be edited on its way)."""
    request = Request("u", Role.FRONT_DESK)
    assert (request.kind, request.channel, request.targets, request.owner) == (
        CommandKind.PROPERTY, None, (), None
    )  # fmt: skip
    assert Decision().allowed and not Decision("no").allowed
    with pytest.raises(FrozenInstanceError):
        request.user = "v"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        Decision().reason = "x"  # type: ignore[misc]
    access = matrix_access()
    assert access.decide(
        Request("london_desk", Role.FRONT_DESK)
    ).allowed  # no target: nothing to refuse
    assert access.decide(Request("nobody", Role.FRONT_DESK, targets=(LONDON,))).reason


def test_properties_named_from_an_audit_entry() -> None:
    """An entry's property names become the policy's targets: the index's property where it knows
    the name, else one known by name only; a change of no property (empty name) is None."""
    named = properties_named(["Paris", "London", "Gone", "", "London"], [LONDON, PARIS])
    assert named == (None, NamedProperty("Gone", "Gone"), LONDON, PARIS)
    with pytest.raises(FrozenInstanceError):
        NamedProperty("Gone", "Gone").name = "Back"  # type: ignore[misc]


def test_who_the_bot_knows_without_and_with_roles() -> None:
    """No roles anywhere: everyone is front desk. `"*"` in a list grants that role to everyone. Once
    a property lists roles and [roles] names no front desk, a stranger is nobody. `bot demo`'s local
    user is admin of the chain."""
    assert Access(None).role_of("anyone") == Role.FRONT_DESK
    assert Access(RolesConfig(engineer=["*"])).chain_role("anyone") == Role.ENGINEER
    by_property = Access(
        RolesConfig(admin=["boss"]), properties=[PropertyConfig(name="London", front_desk=["d"])]
    )
    assert by_property.chain_role("stranger") is None and by_property.role_of("stranger") is None
    assert (
        by_property.role_of("d") == Role.FRONT_DESK and by_property.chain_role("boss") == Role.ADMIN
    )
    demo = Access(None, local_admin="console")
    assert demo.chain_role("console") == Role.ADMIN and demo.is_admin("console")
    assert demo.chain_role("other") == Role.FRONT_DESK


def test_refusals_say_why_in_full() -> None:
    """The refusals staff read, word for word: a chain-wide command, and a restricted channel
    naming every other property asked about."""
    access = Access(
        RolesConfig(front_desk=["u"]),
        properties=[PropertyConfig(name="London", channels=["C-LON"], restrict_channels=True)],
    )
    assert access.chain_refusal("u", Role.ENGINEER) == (
        "Sorry, that command covers the whole chain and needs the engineer role in [roles]; "
        "yours is limited to some properties."
    )
    berlin = Prop("amzn1.alexa.unit.did.BERLIN", "Berlin")
    assert access.refusal("u", "C-LON", Role.FRONT_DESK, [PARIS, LONDON, berlin]) == (
        "This channel is for London only, so I can't act on Berlin, Paris from here. "
        "Ask in that property's channel."
    )


def test_a_role_refusal_names_the_role_in_words_and_every_property_refused() -> None:
    """The refusal of a property request, word for word: the role needed with a space for the
    underscore, the properties refused (sorted, comma-separated), and what to do."""
    access = Access(None, properties=[PropertyConfig(name="Berlin", admins=["boss"])])
    assert access.refusal("u", None, Role.FRONT_DESK, [PARIS, LONDON]) == (
        "Sorry, you don't have the front desk role at London, Paris. "
        "Ask a manager to add you to that property's roles in bot.toml."
    )


def test_a_device_of_no_property_is_refused_in_full_without_a_chain_wide_role() -> None:
    access = Access(None, properties=[PropertyConfig(name="London", engineers=["u"])])
    assert access.unplaced_refusal("u", Role.ENGINEER) == (
        "Sorry, that device belongs to no property, so it needs the engineer role in [roles]; "
        "yours is limited to some properties."
    )
    assert Access(RolesConfig(engineer=["u"])).unplaced_refusal("u", Role.ENGINEER) is None


def test_someone_elses_confirmation_or_change_is_refused_in_full() -> None:
    """Not yours: answering says "answer it", undoing or retrying says "undo or retry it"."""
    access = Access(RolesConfig(engineer=["eng"]))
    assert access.change_refusal("eng", "clerk", [LONDON], kind=CommandKind.ANSWER) == (
        "This isn't yours: only the person who asked (or an admin of that property) can answer it."
    )
    assert access.change_refusal("eng", "clerk", [LONDON]) == (
        "This isn't yours: only the person who asked (or an admin of that property) can undo or "
        "retry it."
    )


def test_an_audit_entry_of_no_property_is_seen_with_a_chain_wide_role_only() -> None:
    """An entry about London is seen by London's staff; one about no property (a room profile,
    a user) needs a chain-wide role, so London's staff do not see it."""
    access = Access(
        RolesConfig(front_desk=["desk"]),
        properties=[PropertyConfig(name="London", front_desk=["london"])],
    )
    assert access.sees_entry("london", Role.FRONT_DESK, [LONDON])
    assert not access.sees_entry("london", Role.FRONT_DESK, [])
    assert not access.sees_entry("london", Role.FRONT_DESK, [PARIS])
    assert access.sees_entry("desk", Role.FRONT_DESK, [])
    assert access.sees_entry("desk", Role.FRONT_DESK, [LONDON, None])
