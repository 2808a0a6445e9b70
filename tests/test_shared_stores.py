"""The stores replicas share beyond the journal (issue 18) behave the same on both backends: the
digest outbox, the offline-alert outbox and mutes, the settings made in chat, the Teams
conversation references and the device index. Each test opens two handles on one database ("replica A" and "replica
B": two SQLite connections to one file, or two PostgreSQL pools when BOT_TEST_DATABASE_URL names a
server) and shows that what one claims or saves, the other sees: a digest slot or an alert
incident is taken once across replicas and after a failover."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_teams import installed_in_channel
from microsoft_agents.activity import Activity
from pg_support import SERVER_URL, fresh_database
from test_digest import loaded_store
from test_health_world import NOW, SITE
from test_offline_alerts import Poster, device

from bot.chat.teams.store import ConversationStore
from bot.clock import FakeClock
from bot.core.changes.device_names import device_names
from bot.core.ledger.settings_store import BINDING, DIGEST, Place, SettingsStore
from bot.health import outbox
from bot.health.offline_alerts import RECOVERED, SENT, IncidentStore, OfflineAlerts
from bot.health.outbox import DigestOutbox
from bot.health.posting import DigestSender
from bot.health.sites import Site
from bot.health.store import EndpointLink, HealthStore, Reachability, ts
from bot.index.db import open_index
from bot.sql import Sql, SqliteSql

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW_S = ts(T0)
ONCALL = Site("prop-hv", "Harbor View", oncall_channel="C-ONCALL")


@pytest.fixture(params=["sqlite", "postgresql"])
def replicas(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Sql, Sql]]:
    """Two handles on one shared database, as two replicas (or two processes) hold them."""
    if request.param == "sqlite":
        path = tmp_path / "bot.db"
        yield SqliteSql(open_index(path).conn), SqliteSql(open_index(path).conn)
        return
    if not SERVER_URL:
        pytest.skip("BOT_TEST_DATABASE_URL is not set (no PostgreSQL to test against)")
    from bot.pg.database import PgDatabase
    from bot.pg.sql import PgSql

    with fresh_database() as url, ExitStack() as stack:
        a, b = PgDatabase(url, max_size=2), PgDatabase(url, max_size=2)
        stack.callback(a.close)
        stack.callback(b.close)
        yield PgSql(a), PgSql(b)


# -- the digest outbox ---------------------------------------------------------------------------


def test_a_digest_slot_is_attempted_by_one_replica_and_seen_sent_by_the_other(
    replicas: tuple[Sql, Sql],
) -> None:
    """Both replicas write the day's row (the second finds it there) and both try to take its
    first attempt: one gets it; once it is settled sent, the other sees it sent."""
    a, b = DigestOutbox(replicas[0]), DigestOutbox(replicas[1])
    row_a = a.enqueue("prop-hv", "2026-03-02", "C-DIGEST", NOW_S)
    row_b = b.enqueue("prop-hv", "2026-03-02", "C-ELSEWHERE", NOW_S + 1)
    assert row_b == row_a and row_b.channel == "C-DIGEST"  # the first row is kept as is
    assert a.take_attempt(row_a, NOW_S) == 1
    assert b.take_attempt(row_b, NOW_S) is None  # taken: not attempted twice
    a.settle_sent(row_a, "ts-1", NOW_S + 2, {"online": 3})
    seen = b.get("prop-hv", "2026-03-02")
    assert seen is not None and (seen.state, seen.message_id) == (outbox.SENT, "ts-1")
    record = b.record("prop-hv", "2026-03-02")
    assert record is not None and record["summary"] == {"online": 3}
    assert b.last_sent_at("prop-hv", NOW_S + 10) == NOW_S + 2
    assert b.due(NOW_S + 3600) == []


def test_a_failed_digest_comes_due_on_the_other_replica_and_is_given_up_after_12_hours(
    replicas: tuple[Sql, Sql],
) -> None:
    """A failover: replica A's attempt failed; the retry comes due after the backoff and replica
    B takes it; a day not posted within 12 hours is given up (on either)."""
    a, b = DigestOutbox(replicas[0]), DigestOutbox(replicas[1])
    row = a.enqueue("prop-hv", "2026-03-02", "C-DIGEST", NOW_S)
    assert a.take_attempt(row, NOW_S) == 1
    assert not a.settle_failed(row, "channel_not_found", NOW_S)
    assert b.due(NOW_S + 30) == []  # backing off
    [due] = b.due(NOW_S + outbox.FIRST_RETRY_S)
    assert due.last_error == "channel_not_found" and due.attempts == 1
    assert b.take_attempt(due, NOW_S + outbox.FIRST_RETRY_S) == 2
    assert a.take_attempt(due, NOW_S + outbox.FIRST_RETRY_S) is None
    assert b.settle_failed(due, "still failing", NOW_S + outbox.GIVE_UP_AFTER_S)
    gone = a.get("prop-hv", "2026-03-02")
    assert gone is not None and gone.state == outbox.FAILED


async def test_two_replicas_sending_the_same_nightly_digest_post_it_once(
    replicas: tuple[Sql, Sql],
) -> None:
    """Each replica has its own device index, but the outbox is shared: both digest jobs fire at
    the slot (or a job of a replica that died is run again while the next tick's runs); one post,
    and the other replica's next run finds nothing due."""
    clock = FakeClock(NOW)
    poster = _DigestPoster()
    senders = [
        DigestSender(await loaded_store(clock), [SITE], clock, poster, outbox=DigestOutbox(sql))
        for sql in replicas
    ]
    first = await senders[0].send_due()
    second = await senders[1].send_due()
    assert [o.sent for o in first] == [True]
    assert not any(o.sent for o in second)
    clock.advance(3600)
    for sender in reversed(senders):
        assert not any(o.sent for o in await sender.send_due())
    assert len(poster.posts) == 1


class _DigestPoster:
    def __init__(self) -> None:
        self.posts: list[str] = []

    async def post_to_channel(self, channel: str, reply: object) -> str:
        self.posts.append(channel)
        return f"ts-{len(self.posts)}"


# -- offline alerts and mutes --------------------------------------------------------------------


def test_an_alert_incident_is_opened_once_and_each_attempt_taken_once(
    replicas: tuple[Sql, Sql],
) -> None:
    a, b = IncidentStore(replicas[0]), IncidentStore(replicas[1])
    assert a.open("arn-a", NOW_S, "prop-hv", "C-ONCALL", NOW_S)
    assert not b.open("arn-a", NOW_S, "prop-hv", "C-ONCALL", NOW_S)
    [seen_a], [seen_b] = a.due(NOW_S), b.due(NOW_S)
    assert seen_a == seen_b
    assert b.take(seen_b, NOW_S)
    assert not a.take(seen_a, NOW_S)  # B posts it
    b.settle(seen_b, "state = ?, message_id = ?", (SENT, "post-1"))
    [sent] = a.open_incidents()
    assert (sent.state, sent.message_id) == (SENT, "post-1")
    later = NOW_S + 600
    assert a.mark_back(sent, RECOVERED, later)
    assert not b.mark_back(sent, RECOVERED, later)  # moved once: the edit is not reset
    [edit] = b.due(later)
    assert edit.state == RECOVERED and edit.attempts == 0
    assert b.take(edit, later) and not a.take(edit, later)
    b.settle(edit, "edited = 1", ())
    assert a.due(later + 3600) == []
    assert a.recovered_since("arn-a", NOW_S + 1, later - 1)


def test_a_mute_set_through_one_replica_holds_on_the_other(replicas: tuple[Sql, Sql]) -> None:
    SettingsStore(replicas[0]).mute("G0A", NOW_S + 3600, "UENG")
    alerts_b = IncidentStore(replicas[1])
    assert alerts_b.muted("G0A", NOW_S)
    assert not alerts_b.muted("G0A", NOW_S + 3600)
    assert not alerts_b.muted("G0B", NOW_S)


async def test_a_failover_posts_an_ongoing_incident_once_and_edits_it_once(
    replicas: tuple[Sql, Sql], tmp_path: Path
) -> None:
    """Replica A posts the alert of a device offline for 15 minutes, then dies; B runs the alerts'
    next ticks with its own device index: it does not post the incident again, and it edits
    A's card once when the device comes back."""
    clock, poster = FakeClock(T0), Poster()
    stores = [HealthStore.open(str(tmp_path / f"replica-{n}.db")) for n in "ab"]
    for store in stores:  # each replica's own (refreshed) copy of the device index
        store.upsert_devices([device("a", "OFFLINE", T0)])

    def replica(n: int) -> OfflineAlerts:
        return OfflineAlerts(
            stores[n], [ONCALL], poster, clock, incidents=IncidentStore(replicas[n])
        )

    clock.advance(15 * 60)
    await replica(0).run()
    assert len(poster.posts) == 1
    for _ in range(3):
        clock.advance(5 * 60)
        await replica(1).run()
    assert len(poster.posts) == 1
    for store in stores:
        store.upsert_devices([device("a", "ONLINE", clock.now())])
    await replica(1).run()
    await replica(0).run()
    [(channel, message_id, edited)] = poster.updates
    assert (channel, message_id) == ("C-ONCALL", "post-1")
    assert edited.headline.startswith("Recovered:")


# -- settings made in chat -----------------------------------------------------------------------


def test_channel_settings_and_places_made_through_one_replica_are_read_by_the_other(
    replicas: tuple[Sql, Sql],
) -> None:
    """A setting supersedes the one before it; the version moves with each, so the other replica
    knows to lay them over its bot.toml again."""
    a, b = SettingsStore(replicas[0]), SettingsStore(replicas[1])
    start = b.version()
    a.save_channel_setting(DIGEST, "Harbor View", "C1", "UADMIN", T0)
    a.save_channel_setting(DIGEST, "Harbor View", "C2", "UADMIN", T0 + timedelta(seconds=1))
    a.save_channel_setting(BINDING, "Harbor View", "C9", "UADMIN", T0 + timedelta(seconds=2))
    a.save_channel_setting(BINDING, "Rive Gauche", "C9", "UADMIN", T0 + timedelta(seconds=3))
    assert [(s.kind, s.property_name, s.channel) for s in b.channel_settings()] == [
        (DIGEST, "Harbor View", "C2"),
        (BINDING, "Rive Gauche", "C9"),
    ]
    assert b.version() == start + 4
    assert b.place("prop-hv") is None
    a.save_place("prop-hv", "Harbor View", Place("US", None, "chat"), "UADMIN", T0)
    a.save_place("prop-hv", "Harbor View", Place("US", "America/New_York", "chat"), "UADMIN", T0)
    assert b.place("prop-hv") == Place("US", "America/New_York", "chat")
    assert b.version() == start + 6


# -- Teams conversation references ---------------------------------------------------------------


def test_a_teams_conversation_heard_by_one_replica_is_found_by_the_other(
    replicas: tuple[Sql, Sql],
) -> None:
    """The install activity reached replica A; replica B posts the digest: it finds the
    conversation by id, channel id and channel name (any case), and forgets it when told."""
    activity = Activity.model_validate(installed_in_channel("https://smba.example/amer/"))
    a, b = ConversationStore(replicas[0]), ConversationStore(replicas[1])
    a.save(activity)
    a.save(activity)  # saved again (a new message): still one row
    assert b.knows(activity)
    for key in ("Front Desk", "#front desk", "teams:Front Desk"):
        found = b.find(key)
        assert found is not None and found.team_name == "Harbor View"
        assert found.reference.service_url == "https://smba.example/amer/"
    other = b.find("19:another-channel@thread.tacv2")  # another channel of the same team
    assert other is not None and other.reference.conversation.id.startswith("19:another")
    stored = b.find("Front Desk")
    assert stored is not None
    b.forget(stored.conversation_id)
    assert a.get(stored.conversation_id) is None


# -- device health (the device index) ------------------------------------------------------------


def _endpoint(serial: str, endpoint: str | None, at: float) -> EndpointLink:
    return EndpointLink(serial, endpoint, "unit-204" if endpoint else None, "HVS-204", "204", at)


def test_the_device_index_refreshed_by_one_replica_is_what_the_other_reads(
    replicas: tuple[Sql, Sql],
) -> None:
    """Devices, events (each stored once, counted once), the serial map and reachability written
    through replica A read back alike through replica B, on both engines; a device's first event
    and newest status are the rows of its oldest and newest events."""
    a, b = HealthStore(replicas[0]), HealthStore(replicas[1])
    online, offline = device("a", "ONLINE", T0), device("b", "OFFLINE", T0, "prop-rg")
    a.upsert_devices([online, replace(offline, name="old name")])
    a.upsert_devices([offline])  # a refresh again: the row is replaced, not doubled
    assert b.devices() == [online, offline]
    assert b.devices("prop-rg") == [offline]
    assert b.last_refreshed_at() == NOW_S
    events = [
        ("a", "CONNECTION_STATUS", "OFFLINE", NOW_S - 300),
        ("a", "CONNECTION_STATUS", "ONLINE", NOW_S - 60),
        ("a", "DEVICE_STATUS", "FAILED", NOW_S - 200),
        ("a", "DEVICE_STATUS", "READY", NOW_S - 100),
        ("b", "CONNECTION_STATUS", "OFFLINE", NOW_S - 30),
    ]
    assert a.add_events(events) == 5
    assert b.add_events(events[:2]) == 0  # stored already, by the other replica
    assert b.latest_event_ts() == {"a": NOW_S - 60, "b": NOW_S - 30}
    assert b.connection_events() == {
        "a": [(NOW_S - 300, "OFFLINE"), (NOW_S - 60, "ONLINE")],
        "b": [(NOW_S - 30, "OFFLINE")],
    }
    assert b.connection_events(since=NOW_S - 100, arns=["a"]) == {"a": [(NOW_S - 60, "ONLINE")]}
    assert b.connection_events(property_id="prop-rg") == {"b": [(NOW_S - 30, "OFFLINE")]}
    assert b.first_events() == {
        "a": (NOW_S - 300, "CONNECTION_STATUS", "OFFLINE"),
        "b": (NOW_S - 30, "CONNECTION_STATUS", "OFFLINE"),
    }
    assert b.first_events([]) == {}
    assert b.latest_status_events(["a", "b"]) == {"a": (NOW_S - 100, "READY")}
    assert [e[3] for e in b.device_events(["a"], NOW_S - 250)] == [
        NOW_S - 200,
        NOW_S - 100,
        NOW_S - 60,
    ]
    a.save_endpoint_links([_endpoint("G0A", None, NOW_S)])
    a.save_endpoint_links([_endpoint("G0A", "ep-a", NOW_S + 1)])  # looked up again: found
    assert b.endpoint_map() == {"G0A": _endpoint("G0A", "ep-a", NOW_S + 1)}
    a.save_reachability([Reachability("ep-a", "OK", None, NOW_S)])
    a.save_reachability([Reachability("ep-a", "UNREACHABLE", NOW_S, NOW_S + 5)])
    assert b.reachability(["ep-a", "ep-x"]) == {
        "ep-a": Reachability("ep-a", "UNREACHABLE", NOW_S, NOW_S + 5)
    }
    b.delete_devices(["a"])
    assert [d.arn for d in a.devices()] == ["b"]


def test_device_names_come_from_the_shared_device_index(replicas: tuple[Sql, Sql]) -> None:
    """An error naming an endpoint is told with the device's name, whichever replica writes."""
    store = HealthStore(replicas[0])
    store.upsert_devices([replace(device("a", "ONLINE", T0), endpoint_id="ep-a")])
    store.save_endpoint_links([_endpoint("G0X", "ep-x", NOW_S)])
    assert device_names(replicas[1], ["ep-a", "ep-x", "ep-none"]) == {
        "ep-a": "Echo a",
        "ep-x": "HVS-204",
    }
