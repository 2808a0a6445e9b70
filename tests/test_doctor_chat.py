"""`bot doctor`'s chat-platform checks: Slack auth.test, scopes and the app token against the fake
Slack Web API; Teams settings complete or not (no call to Microsoft)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_slack import FakeSlack

from bot.chat.teams.config import CLIENT_ID, CLIENT_SECRET, TENANT_ID
from bot.doctor import SLACK_SCOPES, Cause, Status, check_slack, check_teams
from bot.settings import Settings


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    try:
        yield fake
    finally:
        await fake.stop()


def settings(fake: FakeSlack, **env: str) -> Settings:
    return Settings.model_validate({"SLACK_API_URL": fake.api_url, **env})


async def test_working_tokens_with_every_scope_pass(slack: FakeSlack) -> None:
    """auth.test ok, every manifest scope granted, the app token accepted: three ok lines."""
    slack.scopes = ",".join(SLACK_SCOPES)
    checks = await check_slack(settings(slack, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1"))
    assert [c.status for c in checks] == [Status.OK] * 3, [c.line() for c in checks]
    assert "signed in as alexa in Hotel" in checks[0].line()


async def test_a_missing_scope_fails_and_names_it(slack: FakeSlack) -> None:
    """A token without files:write: FAIL naming the scope and how to add it."""
    slack.scopes = ",".join(s for s in SLACK_SCOPES if s != "files:write")
    checks = await check_slack(settings(slack, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s"))
    scopes = checks[1]
    assert scopes.status == Status.FAIL and "files:write" in scopes.detail
    assert "reinstall" in scopes.fix and len(checks) == 2  # HTTP mode: no app-token check


async def test_refused_and_malformed_tokens_are_plain_failures(slack: FakeSlack) -> None:
    """invalid_auth is a refusal (bot run stops); a token of the wrong kind is a settings error."""
    slack.refused_tokens = {"xoxb-bad"}
    (refused,) = await check_slack(
        settings(slack, SLACK_BOT_TOKEN="xoxb-bad", SLACK_APP_TOKEN="xapp-1")
    )
    assert refused.cause == Cause.REFUSED and "'invalid_auth'" in refused.detail
    (malformed,) = await check_slack(
        settings(slack, SLACK_BOT_TOKEN="xoxp-user", SLACK_APP_TOKEN="xapp-1")
    )
    assert malformed.cause == Cause.CONFIG and "xoxb-" in malformed.detail
    (unset,) = await check_slack(settings(slack))
    assert unset.status == Status.SKIP


async def test_slack_not_answering_is_unreachable(slack: FakeSlack) -> None:
    """A closed Slack URL: FAIL with cause unreachable, which bot run retries."""
    await slack.stop()
    (down,) = await check_slack(settings(slack, SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1"))
    assert down.status == Status.FAIL and down.cause == Cause.UNREACHABLE


def test_teams_settings_are_checked_for_completeness() -> None:
    """None set: skip; app id without tenant or secret: FAIL naming both; all set: ok."""
    assert check_teams({}).status == Status.SKIP
    partial = check_teams({CLIENT_ID: "app"})
    assert partial.status == Status.FAIL and TENANT_ID in partial.detail
    assert CLIENT_SECRET in partial.detail
    full = check_teams({CLIENT_ID: "app", TENANT_ID: "t", CLIENT_SECRET: "s"})
    assert full.status == Status.OK and "app" in full.detail
