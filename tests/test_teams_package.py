"""The Teams app package and the Teams settings switch."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from bot.chat.teams import TeamsPackageError, build_teams_package, teams_enabled

APP_ID = "11111111-2222-3333-4444-555555555555"
PREFIX = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"


def test_package_holds_a_valid_manifest_and_both_icons(tmp_path: Path) -> None:
    """The zip has manifest.json, color.png (192x192) and outline.png (32x32, white on transparent)
    at its root.
    """
    path = build_teams_package(tmp_path, APP_ID, version="1.2.3")
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(zf.read("manifest.json"))
        color = Image.open(io.BytesIO(zf.read("color.png")))
        outline = Image.open(io.BytesIO(zf.read("outline.png"))).convert("RGBA")
    for key in (
        "manifestVersion",
        "version",
        "id",
        "developer",
        "name",
        "description",
        "icons",
        "accentColor",
    ):
        assert key in manifest, key
    assert manifest["id"] == APP_ID and manifest["version"] == "1.2.3"
    assert [b["botId"] for b in manifest["bots"]] == [APP_ID]
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert color.size == (192, 192)
    assert outline.size == (32, 32)
    pixels = list(zip(*(band.tobytes() for band in outline.split()), strict=True))
    assert {(r, g, b) for r, g, b, a in pixels if a > 0} == {(255, 255, 255)}
    assert any(a == 0 for *_, a in pixels)


def test_committed_manifest_is_a_template_with_placeholder_ids() -> None:
    """teams/manifest.json keeps the all-zero GUID; the real app id is filled in only in the built
    package.
    """
    template = json.loads(
        (Path(__file__).resolve().parents[1] / "teams" / "manifest.json").read_text()
    )
    assert template["id"] == "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize("bad", ["", "my-bot", "28:11111111-2222-3333-4444-555555555555"])
def test_app_id_must_be_a_guid(tmp_path: Path, bad: str) -> None:
    """Teams rejects a package whose ids are not GUIDs, so the builder refuses and says why."""
    with pytest.raises(TeamsPackageError, match="GUID"):
        build_teams_package(tmp_path, bad)


def test_teams_is_enabled_by_the_sdk_settings_names() -> None:
    """Teams turns on with the SDK's own app id, tenant and secret (or auth type) settings."""
    full = {PREFIX + "CLIENTID": APP_ID, PREFIX + "TENANTID": "t", PREFIX + "CLIENTSECRET": "s"}
    assert teams_enabled(full)
    assert not teams_enabled({})
    assert not teams_enabled({k: v for k, v in full.items() if not k.endswith("CLIENTSECRET")})
    assert teams_enabled(
        {
            PREFIX + "CLIENTID": APP_ID,
            PREFIX + "TENANTID": "t",
            PREFIX + "AUTHTYPE": "UserManagedIdentity",
        }
    )
