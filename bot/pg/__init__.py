"""PostgreSQL, the shared database of several replicas (issue 18): BOT_DATABASE_URL=postgresql://...

`database.py` opens a pool and migrates (the schema is owned by bot/schema.py); `journal.py` and
`audit.py` are the change journal and the audit log behind the same interfaces as their SQLite
twins (bot/core/ledger/journal.py, bot/core/ledger/audit.py), checked by the same contract tests
(tests/test_store_contract.py). Recovery claims orphaned changes in one statement
(`... FOR UPDATE SKIP LOCKED`). `jobs.py` runs the scheduled work as procrastinate periodic tasks,
a worker on every replica, each tick run once by one of them.
"""
