"""A long answer's whole table as a file: what Slack uploads beside the first page and what Teams
offers in a personal chat (bot/chat/teams/files.py)."""

from __future__ import annotations

import csv
import io

from bot.core.shared.replies import Table

CSV_FILENAME = "alexa-full-list.csv"


def table_csv(table: Table) -> str:
    """The whole table as CSV, for the file that goes with a long answer."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return out.getvalue()
