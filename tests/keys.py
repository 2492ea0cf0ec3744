"""A backup key for tests that run as production (which refuses to start without one
of its own): made for the tests, protects nothing."""

BACKUP_KEY = "AGE-SECRET-KEY-1PHYPYVX93M9CEME7HMN8FNHREVPLVDMDDY3CTT4PCUS6P838CV7S62YZV2"
