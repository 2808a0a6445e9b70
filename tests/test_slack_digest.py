"""The nightly digest: Block Kit message, then the chart through the three-step upload."""

from __future__ import annotations

from slack_support import running_fake

from bot.chat.slack import SlackDigestPoster
from bot.core.shared.replies import Attachment, Reply, Table

PNG = b"\x89PNG\r\n\x1a\n" + b"chart-bytes" * 100


async def test_digest_posts_blocks_then_uploads_the_chart() -> None:
    """post_to_channel: chat.postMessage, then getUploadURLExternal -> upload -> complete."""
    async with running_fake() as fake:
        poster = SlackDigestPoster.from_token("xoxb-test", api_url=fake.api_url)
        reply = Reply(
            headline="Nightly device health: 3 offline of 120.",
            fields=[("Online", "117"), ("Offline", "3")],
            table=Table(columns=["Room", "Offline since"], rows=[["204", "02:10"]]),
            attachments=[
                Attachment(filename="health.png", data=PNG, title="Offline devices, 7 days")
            ],
        )
        await poster.post_to_channel("C0OPS", reply)
        assert fake.methods() == [
            "chat.postMessage",
            "files.getUploadURLExternal",
            "upload",
            "files.completeUploadExternal",
        ]
        [post] = fake.of("chat.postMessage")
        assert post.params["channel"] == "C0OPS"
        assert post.params["text"].startswith("Nightly device health")
        assert "204" in str(post.params["blocks"])
        [url] = fake.of("files.getUploadURLExternal")
        assert (url.params["filename"], int(url.params["length"])) == ("health.png", len(PNG))
        [upload] = fake.of("upload")
        assert upload.raw == PNG
        [complete] = fake.of("files.completeUploadExternal")
        assert complete.params["channel_id"] == "C0OPS"
        assert complete.params["files"] == [
            {"id": upload.params["file_id"], "title": "Offline devices, 7 days"}
        ]
