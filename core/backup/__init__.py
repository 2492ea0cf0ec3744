"""Backups that restore: a consistent snapshot of the database, the archived documents
as files, and a manifest, packed, compressed and encrypted (age), copied to several
destinations, rotated, restored into an empty database and verified.

`make.make_backup` makes one, `restore.restore_backup` restores one, `drill.run_drill`
proves the newest one restores; `docs/architecture.md` ("Backups") tells the whole story.
"""
