"""Errors of the backups (core/backup), read by the school's IT person at the command line."""

from __future__ import annotations

from core.error_texts.base import ErrorTable
from core.i18n import N_

ERRORS: dict[str, str] = {
    "backup_failed": N_("The backup failed: %(detail)s"),
    "no_backup_destinations": N_(
        "No backup destinations: set ZVONOK_BACKUP_DESTINATIONS (see docs/operations.md)."
    ),
    "backup_destination_unknown": N_(
        "Backup destination “%(value)s” is not understood: write a directory, file:///… "
        "or s3://bucket/prefix."
    ),
    "backup_s3_unset": N_(
        "Destination “%(value)s” is an S3 bucket: set ZVONOK_BACKUP_S3_ACCESS_KEY_ID and "
        "ZVONOK_BACKUP_S3_SECRET_ACCESS_KEY (and ZVONOK_BACKUP_S3_ENDPOINT_URL for a "
        "service other than Amazon's)."
    ),
    "pg_tool_missing": N_(
        "%(tool)s was not found (%(path)s): install PostgreSQL's client tools or set "
        "ZVONOK_BACKUP_PG_BIN_DIR to their directory."
    ),
    "pg_tool_too_old": N_(
        "%(tool)s %(tool_version)s cannot work with PostgreSQL %(server_version)s: install "
        "the client tools of version %(server_version)s or later (Debian: "
        "postgresql-client-%(server_version)s) or set ZVONOK_BACKUP_PG_BIN_DIR to their "
        "directory."
    ),
    "pg_tool_failed": N_("%(tool)s failed: %(detail)s"),
    "backup_unreadable": N_(
        "The backup %(name)s does not decrypt with this key: it was damaged or changed, "
        "or it was made with another ZVONOK_BACKUP_KEY."
    ),
    "backup_part_changed": N_(
        "The backup %(name)s is damaged: %(part)s does not match its manifest."
    ),
    "backup_not_found": N_(
        "No backup “%(name)s”: give the path of a backup file or the name of one in a destination."
    ),
    "no_backups_found": N_("No backup was found in any destination (%(destinations)s)."),
    "restore_target_not_empty": N_(
        "The database %(target)s is not empty (it has %(count)s tables): a backup is "
        "restored into an empty database only."
    ),
    "restore_engine_mismatch": N_(
        "This backup is of a %(engine)s database: restore it into %(engine)s, not %(target)s."
    ),
}

BACKUP = ErrorTable(domain="core", messages=ERRORS)
