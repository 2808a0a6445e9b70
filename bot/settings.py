"""Configuration: environment variables (and a .env file) for secrets and endpoints, bot.toml for what is
per property and per person.

The names here are a public contract (operators and checks outside the repository rely on them): rename
nothing, add freely. A bad file or value raises ConfigError naming the file, the key and what was expected,
so the bot never starts half-configured.
"""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

ASP_HOSTS: dict[str, str] = {
    "NA": "https://api.amazonalexa.com",
    "EU": "https://api.eu.amazonalexa.com",
    "FE": "https://api.fe.amazonalexa.com",
}
# the station catalog is per country; a property without `country` takes its region's default
REGION_DEFAULT_COUNTRY: dict[str, str] = {"NA": "US", "EU": "UK", "FE": "US"}
COUNTRY_ALIASES: dict[str, str] = {"GB": "UK"}
# the countries of seed 003's station catalog: a property elsewhere would have no stations to offer
KNOWN_COUNTRIES = ("US", "UK", "FR")


class ConfigError(Exception):
    """Configuration that cannot be used; the message is written for the operator who must fix it."""


class PropertyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    country: str | None = None
    timezone: str = "UTC"
    channels: list[str] = Field(default_factory=list)
    digest_channel: str | None = None
    digest_time: str = "07:00"
    # Where offline-device alerts go (a card once a device has been offline this many minutes)
    oncall_channel: str | None = None
    offline_alert_minutes: int = Field(default=15, ge=1)
    # Alexa for Business room names are "<a4b_room_prefix><room name>"; default "<property name> "
    a4b_room_prefix: str | None = None
    # Roles at this property only (chat user ids; "*" = everyone), on top of the chain-wide [roles].
    admins: list[str] = Field(default_factory=list)
    engineers: list[str] = Field(default_factory=list)
    front_desk: list[str] = Field(default_factory=list)
    # Requests in this property's channels may act on this property only (not just default to it).
    restrict_channels: bool = False
    # "country" / "timezone" when bot.toml leaves them to the defaults (set by load_config)
    _unspecified: tuple[str, ...] = PrivateAttr(default=())

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = COUNTRY_ALIASES.get(value.strip().upper(), value.strip().upper())
        if code not in KNOWN_COUNTRIES:
            raise ValueError(
                f"expected a country code of the station catalog ({', '.join(KNOWN_COUNTRIES)}), got {value!r}"
            )
        return code

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"expected an IANA timezone such as 'America/Los_Angeles', got {value!r}"
            ) from None
        return value

    @field_validator("digest_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError(f"expected a local time as HH:MM (24-hour), got {value!r}")
        return value.strip()

    @model_validator(mode="after")
    def _restricting_needs_channels(self) -> PropertyConfig:
        if self.restrict_channels and not self.channels:
            raise ValueError(
                'restrict_channels = true needs the property\'s channels (channels = ["C…"])'
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def unspecified(self) -> tuple[str, ...]:
        """What bot.toml leaves to a default ("country" from ASP_REGION, "timezone" UTC)."""
        return self._unspecified

    def has_property_roles(self) -> bool:
        return bool(self.admins or self.engineers or self.front_desk)

    @property
    def digest_at(self) -> time:
        hour, minute = self.digest_time.split(":")
        return time(int(hour), int(minute))


class RolesConfig(BaseModel):
    """Chat user ids per role (Slack user ids, Teams AAD object ids); "*" means everyone."""

    model_config = ConfigDict(extra="forbid")

    admin: list[str] = Field(default_factory=list)
    engineer: list[str] = Field(default_factory=list)
    front_desk: list[str] = Field(default_factory=lambda: ["*"])


class BehaviourConfig(BaseModel):
    """Tuning knobs under [bot] in bot.toml; every one has a sensible default."""

    model_config = ConfigDict(extra="forbid")

    bulk_concurrency: int = Field(default=10, ge=1, le=64)
    sync_concurrency: int = Field(default=8, ge=1, le=64)
    confirm_over_rooms: int = Field(default=10, ge=1)
    confirm_ttl_minutes: int = Field(default=10, ge=1, le=1440)
    command_deadline_seconds: float = Field(default=25.0, gt=0)
    progress_interval_seconds: float = Field(default=2.0, ge=0.5)
    device_refresh_minutes: int = Field(default=5, ge=1)
    # how long the refused messages of unknown users are kept in the audit log (then purged)
    refused_retention_days: int = Field(default=30, ge=1)
    capacity_threshold: float = Field(default=0.8, gt=0, le=1)
    # None: the raw token first on alert deletes (seed 003), Bearer after a 401, the form that works
    # is kept; true / false pin the raw token / Bearer.
    alarm_auth_raw: bool | None = None


class BotConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    properties: list[PropertyConfig] = Field(default_factory=list)
    roles: RolesConfig | None = None
    bot: BehaviourConfig = Field(default_factory=BehaviourConfig)

    @model_validator(mode="after")
    def _unique_channels(self) -> BotConfig:
        seen: dict[str, str] = {}
        for prop in self.properties:
            for channel in prop.channels:
                if channel in seen and seen[channel] != prop.name:
                    raise ValueError(
                        f"channel {channel!r} is bound to both {seen[channel]!r} and {prop.name!r}; "
                        "a channel can default to one property only"
                    )
                seen[channel] = prop.name
        return self

    def property_for_channel(self, channel: str | None) -> PropertyConfig | None:
        if channel is None:
            return None
        return next((p for p in self.properties if channel in p.channels), None)

    def property_named(self, name_or_id: str) -> PropertyConfig | None:
        key = name_or_id.strip().casefold()
        return next((p for p in self.properties if p.name.casefold() == key), None)


Region = Literal["NA", "EU", "FE"]


class Settings(BaseSettings):
    """Environment variables (and `.env`). Secrets live here, never in bot.toml."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    asp_region: Region = Field(default="NA", validation_alias="ASP_REGION")
    asp_api_url: str | None = Field(default=None, validation_alias="ASP_API_URL")
    asp_organization_id: str | None = Field(default=None, validation_alias="ASP_ORGANIZATION_ID")
    lwa_client_id: str | None = Field(default=None, validation_alias="LWA_CLIENT_ID")
    lwa_client_secret: str | None = Field(default=None, validation_alias="LWA_CLIENT_SECRET")
    lwa_refresh_token: str | None = Field(default=None, validation_alias="LWA_REFRESH_TOKEN")
    lwa_token_url: str = Field(
        default="https://api.amazon.com/auth/o2/token", validation_alias="LWA_TOKEN_URL"
    )
    bot_db_path: Path | None = Field(default=None, validation_alias="BOT_DB_PATH")
    bot_config: Path | None = Field(default=None, validation_alias="BOT_CONFIG")
    # postgresql://user:password@host:port/db: the audit log, change journal, deliveries, notices
    # and change leases live there, shared by replicas (issue 18; docs/deploy.md says what else)
    bot_database_url: str | None = Field(default=None, validation_alias="BOT_DATABASE_URL")

    slack_bot_token: str | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: str | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: str | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_url: str | None = Field(default=None, validation_alias="SLACK_API_URL")

    a4b_endpoint_url: str = Field(
        default="https://a4b.us-east-1.amazonaws.com", validation_alias="A4B_ENDPOINT_URL"
    )
    aws_default_region: str = Field(default="us-east-1", validation_alias="AWS_DEFAULT_REGION")
    customer_profiles_domain: str | None = Field(
        default=None, validation_alias="CUSTOMER_PROFILES_DOMAIN"
    )
    customer_profiles_endpoint_url: str | None = Field(
        default=None, validation_alias="CUSTOMER_PROFILES_ENDPOINT_URL"
    )
    port: int | None = Field(default=None, validation_alias=AliasChoices("PORT"))

    @field_validator("asp_region", mode="before")
    @classmethod
    def _region_upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @property
    def asp_base_url(self) -> str:
        return (self.asp_api_url or ASP_HOSTS[self.asp_region]).rstrip("/")

    @property
    def default_country(self) -> str:
        return REGION_DEFAULT_COUNTRY[self.asp_region]

    @field_validator("bot_database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        if not value.strip().startswith(("postgresql://", "postgres://")):
            raise ValueError(
                "expected postgresql://user:password@host:port/database (the SQLite file is "
                "BOT_DB_PATH)"
            )
        return value.strip()

    @property
    def db_path(self) -> Path:
        if self.bot_db_path is not None:
            return self.bot_db_path
        return Path(platformdirs.user_data_dir("asp-chatops-bot")) / "index.db"

    @property
    def customer_profiles_url(self) -> str:
        return self.customer_profiles_endpoint_url or (
            f"https://profile.{self.aws_default_region}.amazonaws.com"
        )

    def missing_asp_credentials(self) -> list[str]:
        wanted = {
            "ASP_ORGANIZATION_ID": self.asp_organization_id,
            "LWA_CLIENT_ID": self.lwa_client_id,
            "LWA_CLIENT_SECRET": self.lwa_client_secret,
            "LWA_REFRESH_TOKEN": self.lwa_refresh_token,
        }
        return [name for name, value in wanted.items() if not value]


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"{source} is not valid:"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (check the spelling against bot.example.toml)"
        lines.append(f"  - {key}: {message}")
    return "\n".join(lines)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    try:
        if env is None:
            return Settings()
        return Settings.model_validate(env)
    except ValidationError as error:
        raise ConfigError(_describe(error, "the environment")) from None


def config_path(settings: Settings) -> Path | None:
    if settings.bot_config is not None:
        if settings.bot_config.is_dir():
            raise ConfigError(
                f"BOT_CONFIG points to {settings.bot_config}, which is a folder, not a TOML file"
            )
        if not settings.bot_config.is_file():
            raise ConfigError(f"BOT_CONFIG points to {settings.bot_config}, which does not exist")
        return settings.bot_config
    default = Path("bot.toml")
    return default if default.is_file() else None


def load_config(path: Path | None, *, default_country: str = "US") -> BotConfig:
    """Read bot.toml (or return the empty default); fill each property's country from the region."""
    if path is None:
        return BotConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    try:
        config = BotConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_describe(error, str(path))) from None
    for prop in config.properties:
        prop._unspecified = tuple(
            key for key in ("country", "timezone") if key not in prop.model_fields_set
        )
        if prop.country is None:
            prop.country = default_country
    return config


ConfigPair = Annotated[tuple[Settings, BotConfig], "settings and bot.toml"]


def load_all(env: dict[str, str] | None = None) -> tuple[Settings, BotConfig]:
    settings = load_settings(env)
    return settings, load_config(config_path(settings), default_country=settings.default_country)
