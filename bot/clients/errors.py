"""Typed errors of the upstream API clients.

Every failure a client can meet becomes one of these, so the conversation layer can pick a plain
sentence for hotel staff (`user_hint()`) without knowing HTTP, and an admin can quote `request_id`
to Amazon.
"""

from __future__ import annotations

import httpx

from bot.json_types import JsonValue


class ApiError(Exception):
    """An upstream call failed. `status` is None when no HTTP answer was involved.

    `may_have_applied` is True when the call was a write that Amazon may have carried out anyway
    (a 5xx or no answer after the request was sent): read the item back before calling it failed.
    """

    default_status: int | None = None

    def __init__(
        self,
        status: int | None = None,
        message: str = "",
        request_id: str | None = None,
        error_type: str | None = None,
        *,
        may_have_applied: bool = False,
    ) -> None:
        self.status = status if status is not None else self.default_status
        self.message = message
        self.request_id = request_id
        self.error_type = error_type
        self.may_have_applied = may_have_applied
        super().__init__(self._describe())

    def _describe(self) -> str:
        text = f"HTTP {self.status}" if self.status is not None else type(self).__name__
        if self.error_type:
            text += f" {self.error_type}"
        if self.message:
            text += f": {self.message}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text

    def user_hint(self) -> str:
        return (
            f"Amazon answered with an error (HTTP {self.status}); try again, "
            "and tell an admin if it keeps happening."
        )


def may_have_applied(error: BaseException) -> bool:
    """Whether a failed write may have happened at Amazon all the same (read it back first)."""
    return isinstance(error, ApiError) and error.may_have_applied


class BadRequest(ApiError):
    default_status = 400

    def user_hint(self) -> str:
        return (
            "Amazon refused the request as invalid (for example a name already in use, or an item "
            "that is not empty); check the details and try again."
        )


class Unauthorized(ApiError):
    default_status = 401

    def user_hint(self) -> str:
        return "The bot's Amazon sign-in was refused; an admin should run `bot login`."


class Forbidden(ApiError):
    default_status = 403

    def user_hint(self) -> str:
        return (
            "The bot's Amazon account may not do this, or the room no longer exists; an admin "
            "should check its API access in the Alexa Smart Properties console."
        )


class NotFound(ApiError):
    default_status = 404

    def user_hint(self) -> str:
        return (
            "Amazon could not find that property, room type or room; it may have been removed, "
            "so refresh the list and try again."
        )


class DeadlineExceeded(ApiError):
    """The caller's deadline passed, or the next retry wait would not fit before it.

    Every client raises this (or its subclass Throttled, when Amazon was throttling) in that case.
    `cause` is the last failure seen (a ServerError, a TransportError) when there was one; its
    status, message, request id and `may_have_applied` are carried over.
    """

    def __init__(
        self,
        status: int | None = None,
        message: str = "",
        request_id: str | None = None,
        error_type: str | None = None,
        *,
        waited_s: float = 0.0,
        may_have_applied: bool = False,
        cause: ApiError | None = None,
    ) -> None:
        self.waited_s = waited_s
        self.cause = cause
        super().__init__(status, message, request_id, error_type, may_have_applied=may_have_applied)

    @classmethod
    def after(cls, failure: ApiError, *, waited_s: float = 0.0) -> DeadlineExceeded:
        """The error for a retry of `failure` that would not fit the deadline."""
        return cls(
            failure.status,
            failure.message,
            failure.request_id,
            failure.error_type,
            waited_s=waited_s,
            may_have_applied=failure.may_have_applied,
            cause=failure,
        )

    def user_hint(self) -> str:
        if self.cause is not None:
            return self.cause.user_hint()
        if self.may_have_applied:
            return (
                "Amazon took too long to answer, so the change may or may not have been made; "
                "check before trying again."
            )
        return "Amazon took too long to answer; try again in a few minutes."


class Throttled(DeadlineExceeded):
    """Amazon kept throttling (429, or ThrottlingException) and the next seed-004 wait would pass
    the caller's deadline. Without a deadline the rule is followed to the end and this never comes.
    """

    default_status = 429

    def __init__(
        self,
        status: int | None = None,
        message: str = "",
        request_id: str | None = None,
        error_type: str | None = None,
        *,
        waited_s: float = 0.0,
        next_delay_s: float | None = None,
    ) -> None:
        self.next_delay_s = next_delay_s
        super().__init__(status, message, request_id, error_type, waited_s=waited_s)

    def user_hint(self) -> str:
        return "Amazon is busy (throttling); try again in a few minutes."


class ServerError(ApiError):
    """A 5xx answer. For a create, `uncertain_create` says the item may exist anyway; for any
    write, `may_have_applied` says the change may have happened.
    """

    default_status = 500

    def __init__(
        self,
        status: int | None = None,
        message: str = "",
        request_id: str | None = None,
        error_type: str | None = None,
        *,
        uncertain_create: bool = False,
        may_have_applied: bool = False,
    ) -> None:
        self.uncertain_create = uncertain_create
        super().__init__(
            status,
            message,
            request_id,
            error_type,
            may_have_applied=may_have_applied or uncertain_create,
        )

    def user_hint(self) -> str:
        if self.uncertain_create:
            return (
                "Amazon had an internal problem, so the item may or may not have been created; "
                "check the list before trying again."
            )
        return "Amazon had an internal problem; try again in a minute."


class TransportError(ApiError):
    """No HTTP answer at all (connection refused, reset, timeout)."""

    def __init__(
        self,
        status: int | None = None,
        message: str = "",
        request_id: str | None = None,
        error_type: str | None = None,
        *,
        uncertain_create: bool = False,
        may_have_applied: bool = False,
    ) -> None:
        self.uncertain_create = uncertain_create
        super().__init__(
            status,
            message,
            request_id,
            error_type,
            may_have_applied=may_have_applied or uncertain_create,
        )

    def user_hint(self) -> str:
        if self.uncertain_create:
            return (
                "Amazon did not answer, so the item may or may not have been created; "
                "check the list before trying again."
            )
        return "The bot could not reach Amazon; check the network and try again in a minute."


class InvalidInput(ApiError):
    """Rejected before sending; `message` is already a sentence staff can act on."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(None, message)

    def user_hint(self) -> str:
        return self.message


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    429: Throttled,
}


def error_for_status(
    status: int,
    message: str = "",
    request_id: str | None = None,
    error_type: str | None = None,
) -> ApiError:
    """The typed error for an HTTP status (5xx → ServerError, other codes → ApiError)."""
    cls: type[ApiError] = _BY_STATUS.get(status, ServerError if status >= 500 else ApiError)
    return cls(status, message, request_id, error_type)


def _json_body(response: httpx.Response) -> JsonValue:
    try:
        parsed: JsonValue = response.json()
    except ValueError:
        return None
    return parsed


def error_from_response(response: httpx.Response) -> ApiError:
    """Map an error answer to its typed exception, keeping the API's message, type and request id.

    Bodies come as `{"message", "type"}` (seeds 003/004), `{"errors": [...]}` (alerts),
    `{"Message"}` or LWA's `{"error", "error_description"}`; other text is kept, shortened.
    """
    body = _json_body(response)
    message = ""
    error_type: str | None = None
    if isinstance(body, dict):
        raw_message = body.get("message") or body.get("Message") or body.get("error_description")
        message = str(raw_message) if raw_message else ""
        raw_type = body.get("type") or body.get("__type") or body.get("error")
        error_type = str(raw_type) if raw_type else None
        errors = body.get("errors")
        # The alerts API (seed 003) answers {"errors": [{"code", "endpointId", "description"}]}.
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            message = message or str(first.get("description") or "")
            error_type = error_type or (str(first["code"]) if first.get("code") else None)
    elif response.content:
        message = response.text[:200]
    return error_for_status(
        response.status_code, message, response.headers.get("x-amzn-requestid"), error_type
    )
