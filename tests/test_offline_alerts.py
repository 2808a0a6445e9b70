"""Offline alerts (issue 19, item 6): a device offline for 15 minutes -> one card in the property's
on-call channel; a restart in between -> still one; recovery -> the same card edited; a flapping
device -> no storm. The last test posts through the real Slack poster to the fake Slack Web API.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from slack_support import BOT_TOKEN, running_fake

from bot.chat.slack import SlackDigestPoster
from bot.clock import FakeClock
from bot.core.shared.replies import Reply
from bot.health.offline_alerts import OfflineAlerts
from bot.health.sites import Site
from bot.health.store import DeviceRow, HealthStore, ts

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SITE = Site("prop-hv", "Harbor View", oncall_channel="C-ONCALL")
QUIET = Site("prop-rg", "Rive Gauche")  # no on-call channel: never alerted


class Poster:
    def __init__(self) -> None:
        self.posts: list[tuple[str, Reply]] = []
        self.updates: list[tuple[str, str, Reply]] = []
        self.fail = False

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        if self.fail:
            raise RuntimeError("channel_not_found")
        self.posts.append((channel, reply))
        return f"post-{len(self.posts)}"

    async def update_in_channel(self, channel: str, message_id: str, reply: Reply) -> None:
        self.updates.append((channel, message_id, reply))


def device(arn: str, connection: str, since: datetime, prop: str = "prop-hv") -> DeviceRow:
    return DeviceRow(
        arn=arn, serial=f"G0{arn.upper()}", name=f"Echo {arn}", type="ECHO", status="READY",
        connection=connection, room_name_a4b=None, property_id=prop, room_id="r1",
        room_name="204", last_changed=ts(since), refreshed_at=ts(since),
    )  # fmt: skip


def alerts(path: Path, clock: FakeClock, poster: Poster) -> OfflineAlerts:
    return OfflineAlerts(HealthStore.open(str(path)), [SITE, QUIET], poster, clock)


async def test_one_card_per_incident_across_a_restart_then_edited_on_recovery(
    tmp_path: Path,
) -> None:
    clock, poster, db = FakeClock(START), Poster(), tmp_path / "bot.db"
    store = HealthStore.open(str(db))
    store.upsert_devices([device("a", "OFFLINE", START), device("q", "OFFLINE", START, "prop-rg")])
    clock.advance(14 * 60)
    assert await alerts(db, clock, poster).run() == []  # not yet 15 minutes
    clock.advance(1 * 60)
    await alerts(db, clock, poster).run()
    [(channel, card)] = poster.posts
    assert channel == "C-ONCALL" and "offline for 15 min" in card.headline
    assert [a.value for a in card.actions] == [  # bound to the device
        "status G0A", "history G0A", "mute alerts for G0A for 1 hour",
    ]  # fmt: skip
    for _ in range(3):  # further refreshes, with a restart (a new process) in between
        clock.advance(5 * 60)
        await alerts(db, clock, poster).run()
    assert len(poster.posts) == 1
    store.upsert_devices([device("a", "ONLINE", clock.now())])
    await alerts(db, clock, poster).run()
    await alerts(db, clock, poster).run()
    [(channel, message_id, edited)] = poster.updates
    assert (channel, message_id) == ("C-ONCALL", "post-1")
    assert edited.headline.startswith("Recovered:") and "offline for 30 min" in edited.headline


async def test_a_flapping_device_does_not_storm(tmp_path: Path) -> None:
    """Drops shorter than the threshold never alert; after one alert and recovery, the device
    going offline again within the hour is not alerted again."""
    clock, poster, db = FakeClock(START), Poster(), tmp_path / "bot.db"
    store = HealthStore.open(str(db))
    for _ in range(6):  # offline 10 minutes, online 5, six times
        store.upsert_devices([device("f", "OFFLINE", clock.now())])
        clock.advance(10 * 60)
        await alerts(db, clock, poster).run()
        store.upsert_devices([device("f", "ONLINE", clock.now())])
        clock.advance(5 * 60)
        await alerts(db, clock, poster).run()
    assert poster.posts == []
    store.upsert_devices([device("f", "OFFLINE", clock.now())])
    clock.advance(20 * 60)
    await alerts(db, clock, poster).run()
    store.upsert_devices([device("f", "ONLINE", clock.now())])
    clock.advance(1 * 60)
    await alerts(db, clock, poster).run()
    for _ in range(2):  # down again for 20 minutes, twice within the hour: at most one an hour
        store.upsert_devices([device("f", "OFFLINE", clock.now())])
        clock.advance(20 * 60)
        await alerts(db, clock, poster).run()
        store.upsert_devices([device("f", "ONLINE", clock.now())])
        await alerts(db, clock, poster).run()
    assert len(poster.posts) == 1 and len(poster.updates) == 1


async def test_a_refused_post_is_retried_not_lost(tmp_path: Path) -> None:
    clock, poster, db = FakeClock(START), Poster(), tmp_path / "bot.db"
    HealthStore.open(str(db)).upsert_devices([device("a", "OFFLINE", START)])
    clock.advance(20 * 60)
    poster.fail = True
    await alerts(db, clock, poster).run()
    poster.fail = False
    await alerts(db, clock, poster).run()  # not due yet: backs off a minute
    assert poster.posts == []
    clock.advance(1 * 60)
    await alerts(db, clock, poster).run()
    assert len(poster.posts) == 1


async def test_slack_alert_is_posted_then_edited_in_place(tmp_path: Path) -> None:
    """Through the real Slack poster: chat.postMessage once, then chat.update of that ts."""
    clock, db = FakeClock(START), tmp_path / "bot.db"
    store = HealthStore.open(str(db))
    store.upsert_devices([device("a", "OFFLINE", START)])
    async with running_fake() as fake:
        poster = SlackDigestPoster.from_token(BOT_TOKEN, fake.api_url)
        clock.advance(16 * 60)
        await OfflineAlerts(store, [SITE], poster, clock).run()
        [post] = fake.of("chat.postMessage")
        buttons = [e["value"] for b in post.params["blocks"] if b["type"] == "actions"
                   for e in b["elements"]]  # fmt: skip
        assert buttons == ["status G0A", "history G0A", "mute alerts for G0A for 1 hour"]
        store.upsert_devices([replace(device("a", "ONLINE", clock.now()))])
        await OfflineAlerts(store, [SITE], poster, clock).run()
        [update] = fake.of("chat.update")
        assert update.params["ts"] == "1700000000.000001"
        assert update.params["text"].startswith("Recovered:")


async def test_a_muted_device_is_not_alerted_until_the_mute_ends(tmp_path: Path) -> None:
    clock, poster, db = FakeClock(START), Poster(), tmp_path / "bot.db"
    store = HealthStore.open(str(db))
    store.upsert_devices([device("a", "OFFLINE", START)])
    with store.db.conn as conn:
        conn.execute("insert into alert_mutes values ('G0A', ?, 'UENG')", (ts(START) + 3600,))
    clock.advance(30 * 60)
    await alerts(db, clock, poster).run()
    assert poster.posts == []
    clock.advance(31 * 60)
    await alerts(db, clock, poster).run()
    assert len(poster.posts) == 1


async def test_teams_alert_is_posted_then_edited_in_place(tmp_path: Path) -> None:
    """Through the real Teams poster and the fake connector: one POST, then a PUT of that id."""
    from fake_teams import CHANNEL_ID, FakeConnector, card_text, installed_in_channel
    from microsoft_agents.activity import Activity

    from bot.chat.teams import TeamsDigestPoster
    from bot.chat.teams.store import ConversationStore

    clock, db = FakeClock(START), tmp_path / "bot.db"
    store = HealthStore.open(str(db))
    store.upsert_devices([device("a", "OFFLINE", START)])
    connector = await FakeConnector().start()
    try:
        ConversationStore(store.db).save(
            Activity.model_validate(installed_in_channel(connector.url))
        )
        poster = TeamsDigestPoster(store.db, anonymous=True, env={})
        site = Site("prop-hv", "Harbor View", oncall_channel=CHANNEL_ID)
        clock.advance(16 * 60)
        await OfflineAlerts(store, [site], poster, clock).run()
        [post] = connector.calls
        assert post.method == "POST" and "offline for 16 min" in card_text(post.card)
        store.upsert_devices([device("a", "ONLINE", clock.now())])
        await OfflineAlerts(store, [site], poster, clock).run()
        [_, edit] = connector.calls
        assert (edit.method, edit.activity_id) == ("PUT", post.activity_id or "sent-1")
        assert "Recovered" in card_text(edit.card)
    finally:
        await connector.close()
