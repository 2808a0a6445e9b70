"""Round 26's wrong action (demo world): `set 101 to jazz and 102 to` set 102 to Jazz as well; a
message that stops on a word needing more after it changes nothing and says so."""

from __future__ import annotations

import pytest
from test_issue17_trial2 import DEMO, HARBOR, _answer, _world
from world_reading import WorldReader


@pytest.fixture(scope="module")
def demo() -> WorldReader:
    return _world(DEMO)


@pytest.mark.parametrize(
    "text", ["set 101 to jazz and 102 to", "set 204 to jazz at", "clear alarms in 204 and"]
)
def test_a_request_cut_short_changes_nothing(demo: WorldReader, text: str) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert "rooms" not in read and "ask" not in read, read
    reply = _answer(demo, text, channel_property=HARBOR)
    assert "stops in the middle" in reply.headline, reply.headline


@pytest.mark.parametrize("text", ["put jazz on in 204", "set 204 to jazz"])
def test_a_whole_request_is_not_cut_short(demo: WorldReader, text: str) -> None:
    read = demo.read(text, channel_property=HARBOR)
    assert read.get("rooms") == ["204"], read


def test_a_station_offered_elsewhere_offers_only_stations_like_its_name(demo: WorldReader) -> None:
    """Round 26's proposed wrong action: `set room 13 to classic fm` in France offered Country as
    its one choice; now only a station whose name it begins (Classical), or none."""
    reply = _answer(demo, "set L-1 at rive gauche to classic fm")
    values = [action.value for action in reply.actions]
    assert values and all("classical" in value for value in values), values
    reply = _answer(demo, "set L-1 at rive gauche to heart")
    assert not reply.actions, [action.value for action in reply.actions]
