"""`bot teams-package`: the zip uploaded to Teams (manifest.json plus the two icons, at the zip's
root).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Final

from bot.json_types import JsonObject

MANIFEST: Final = "manifest.json"
ICONS: Final = ("color.png", "outline.png")
DEFAULT_SOURCE: Final = Path(__file__).resolve().parents[3] / "teams"
_GUID: Final = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_VERSION: Final = re.compile(r"^\d+\.\d+\.\d+$")


class TeamsPackageError(ValueError):
    """The package cannot be built; the message says what to fix."""


# `bot teams-package --developer-url/--privacy-url/--terms-url` -> the manifest's developer keys
DEVELOPER_URL_KEYS: Final = {
    "developer": "websiteUrl",
    "privacy": "privacyUrl",
    "terms": "termsOfUseUrl",
}


def build_manifest(
    template: JsonObject,
    app_id: str,
    *,
    version: str | None = None,
    name: str | None = None,
    urls: dict[str, str] | None = None,
) -> JsonObject:
    """The template with our Azure Bot's app id as both the Teams app id and the bot id."""
    if not _GUID.match(app_id):
        raise TeamsPackageError(
            f"The app id must be the Azure Bot's Microsoft App ID (a GUID), got {app_id!r}."
        )
    if version is not None and not _VERSION.match(version):
        raise TeamsPackageError(
            f"The version must look like 1.2.3 (Teams requires it), got {version!r}."
        )
    manifest = json.loads(json.dumps(template))
    manifest["id"] = app_id
    for bot in manifest.get("bots", []):
        bot["botId"] = app_id
    if version is not None:
        manifest["version"] = version
    if name is not None:
        manifest["name"]["short"] = name[:30]  # Teams' limit for the short name
    for which, url in (urls or {}).items():
        if not url.startswith("https://"):
            raise TeamsPackageError(
                f"The {which} URL must start with https:// (Teams requires it), got {url!r}."
            )
        manifest.setdefault("developer", {})[DEVELOPER_URL_KEYS[which]] = url
    return manifest  # type: ignore[no-any-return]


def build_teams_package(
    out_dir: Path,
    app_id: str,
    *,
    version: str | None = None,
    name: str | None = None,
    source_dir: Path | None = None,
    urls: dict[str, str] | None = None,
) -> Path:
    """Write `<out_dir>/alexa-ops-teams-<version>.zip` and return its path.

    `source_dir` holds manifest.json, color.png and outline.png (default: the repository's teams/).
    """
    source = source_dir or DEFAULT_SOURCE
    missing = [f for f in (MANIFEST, *ICONS) if not (source / f).is_file()]
    if missing:
        raise TeamsPackageError(f"Missing in {source}: {', '.join(missing)}.")
    template = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    manifest = build_manifest(template, app_id, version=version, name=name, urls=urls)
    if out_dir.exists() and not out_dir.is_dir():
        raise TeamsPackageError(
            f"{out_dir} is a file; --out takes the folder to write the zip into."
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"alexa-ops-teams-{manifest['version']}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for icon in ICONS:
            zf.write(source / icon, arcname=icon)
    return target
