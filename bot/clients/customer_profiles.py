"""Amazon Connect Customer Profiles (seed 002): profile object types and their capacity.

REST-JSON with SigV4 service `profile`. It shares the credential chain, retry rules and error typing
of the AWS JSON base; only the request shape (method, path, query) differs.

A PUT replaces the whole object type, so changing one field is read-modify-write: read the
definition, change the field, send everything else back unchanged. When `TemplateId` is set, the
fields the template owns are left out of the PUT (seed 002 says the service may refuse them).
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Unpack
from urllib.parse import quote

from pydantic import Field

from bot.clients.aws import AwsClientOptions, AwsJsonClient, AwsModel, default_region, follow_pages
from bot.clients.errors import InvalidInput
from bot.json_types import JsonMapping, JsonObject

SERVICE = "profile"
MAX_PAGE = 100
# Fields of GetProfileObjectType that are not part of a PUT body: the name travels in the path,
# the rest is set by the service.
READ_ONLY_FIELDS = frozenset(
    {"ObjectTypeName", "DomainName", "CreatedAt", "LastUpdatedAt", "MaxAvailableProfileObjectCount"}
)
# Seed 002: tags of an existing object type change through TagResource/UntagResource, never the PUT
NOT_RESENT_FIELDS = frozenset({"Tags"})
# Seed 002: with TemplateId set, these come from the template and may be refused if sent.
TEMPLATE_OWNED_FIELDS = frozenset(
    {"AllowProfileCreation", "SourceLastUpdatedTimestampFormat", "Fields", "Keys"}
)


def default_endpoint(region: str | None = None) -> str:
    """`CUSTOMER_PROFILES_ENDPOINT_URL`, else the regional host of `AWS_DEFAULT_REGION`."""
    explicit = os.environ.get("CUSTOMER_PROFILES_ENDPOINT_URL")
    if explicit:
        return explicit
    return f"https://{SERVICE}.{region or default_region()}.amazonaws.com"


class ObjectTypeSummary(AwsModel):
    """One item of ListProfileObjectTypes."""

    object_type_name: str
    description: str | None = None
    created_at: datetime | None = None
    last_updated_at: datetime | None = None
    max_profile_object_count: int | None = None
    max_available_profile_object_count: int | None = None
    tags: dict[str, str] = Field(default_factory=dict)

    @property
    def share_used(self) -> float | None:
        """The assigned maximum as a share of what is available (None when either is unknown)."""
        assigned, available = self.max_profile_object_count, self.max_available_profile_object_count
        if assigned is None or not available:
            return None
        return assigned / available


class ObjectTypePage(AwsModel):
    items: list[ObjectTypeSummary] = Field(default_factory=list)
    next_token: str | None = None


def put_body(definition: JsonMapping) -> JsonObject:
    """The PUT body that re-sends `definition` (a GetProfileObjectType answer) unchanged.

    Everything writable is kept, including fields this code does not know, so a read-modify-write
    never drops a setting; read-only fields, the tags (they are not the PUT's to change: seed 002
    sends them to TagResource) and, under a template, the template's own are left out.
    """
    skipped = READ_ONLY_FIELDS | NOT_RESENT_FIELDS
    body: JsonObject = {k: v for k, v in definition.items() if k not in skipped and v is not None}
    if body.get("TemplateId"):
        for key in TEMPLATE_OWNED_FIELDS:
            body.pop(key, None)
    return body


class CustomerProfilesClient(AwsJsonClient):
    """List, get and put the profile object types of one Customer Profiles domain."""

    SERVICE = SERVICE

    def __init__(
        self,
        endpoint_url: str | None = None,
        *,
        domain: str | None = None,
        **options: Unpack[AwsClientOptions],
    ) -> None:
        super().__init__(endpoint_url, **options)
        found = domain or os.environ.get("CUSTOMER_PROFILES_DOMAIN")
        if not found:
            raise InvalidInput("CUSTOMER_PROFILES_DOMAIN is not set", field="DomainName")
        self.domain = found

    @classmethod
    def default_endpoint(cls, region: str) -> str:
        return default_endpoint(region)

    # -- the three operations of seed 002 ---------------------------------------------------------
    async def list_object_types_page(
        self,
        *,
        max_results: int = MAX_PAGE,
        next_token: str | None = None,
        deadline: float | None = None,
    ) -> ObjectTypePage:
        if not 1 <= max_results <= MAX_PAGE:
            raise InvalidInput(
                f"page size must be 1–{MAX_PAGE}, got {max_results}", field="max-results"
            )
        query = {"max-results": str(max_results)}
        if next_token:
            query["next-token"] = next_token
        data = await self.rest(
            "ListProfileObjectTypes", "GET", self._path(), query=query, deadline=deadline
        )
        return ObjectTypePage.model_validate(data)

    async def list_object_types(self, *, deadline: float | None = None) -> list[ObjectTypeSummary]:
        """Every object type of the domain, following NextToken to the last page."""
        return await follow_pages(
            lambda token: self.list_object_types_page(next_token=token, deadline=deadline),
            lambda page: page.items,
        )

    async def get_object_type(self, name: str, *, deadline: float | None = None) -> JsonObject:
        """The whole definition as Amazon sent it (a dict, so unknown fields survive a PUT)."""
        return await self.rest(
            "GetProfileObjectType", "GET", self._path(_name(name)), deadline=deadline
        )

    async def put_object_type(
        self, name: str, body: JsonMapping, *, deadline: float | None = None
    ) -> JsonObject:
        """PUT a whole definition (already a PUT body: see `put_body`)."""
        description = body.get("Description")
        if not isinstance(description, str) or not 1 <= len(description) <= 1000:
            raise InvalidInput("Description is required (1–1000 characters)", field="Description")
        if body.get("TemplateId"):
            sent = sorted(TEMPLATE_OWNED_FIELDS & body.keys())
            if sent:
                raise InvalidInput(
                    f"{', '.join(sent)} cannot be sent for an object type made from a template",
                    field=sent[0],
                )
        return await self.rest(
            "PutProfileObjectType",
            "PUT",
            self._path(_name(name)),
            body=dict(body),
            deadline=deadline,
        )

    async def set_max_profile_object_count(
        self, name: str, value: int, *, deadline: float | None = None
    ) -> tuple[JsonObject, JsonObject]:
        """Read-modify-write of MaxProfileObjectCount; returns (definition before, answer after)."""
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InvalidInput(
                f"the maximum must be a whole number of at least 1, got {value!r}",
                field="MaxProfileObjectCount",
            )
        before = await self.get_object_type(name, deadline=deadline)
        available = before.get("MaxAvailableProfileObjectCount")
        if isinstance(available, int) and value > available:
            raise InvalidInput(
                f"the maximum must be 1–{available} (what the domain has available), got {value}",
                field="MaxProfileObjectCount",
            )
        body = put_body(before)
        body["MaxProfileObjectCount"] = value
        after = await self.put_object_type(name, body, deadline=deadline)
        return before, after

    # -- REST-JSON transport -----------------------------------------------------------------------
    def _path(self, *parts: str) -> str:
        return "/".join(["/domains", quote(self.domain, safe=""), "object-types", *parts])


def _name(name: str) -> str:
    if not name or not name.strip():
        raise InvalidInput("an object type name is required", field="ObjectTypeName")
    return quote(name, safe="")
