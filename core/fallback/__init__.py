"""The fallback homework broadcast: what the bot needs while the journal is down.

PRODUCT §3 and seed 003 (families must learn the homework when the journal has
technical problems). Everything here lives in Redis, outside the journal's database:

- `snapshot`: per school, who may broadcast (staff linked in a messenger the school
  offers, with their teaching assignments) and to whom (each class's and group's
  reachable guardians, each in one messenger), rebuilt by a worker cron and when the
  roster changes;
- `queue`: the entries teachers broadcast while the journal was down, kept until the
  journal has them (or set aside, with the reason, when it cannot take one);
- `replay`: writing a queued entry into the journal exactly once.

Redis keys (see `keys`): `zvonok:fallback:snapshot:<school>`, `...:snapshot-version:<school>`,
`...:staff-chat:<messenger>:<chat>` (the schools whose snapshot lists the chat as staff),
`...:stale` (schools whose snapshot must be rebuilt), `...:queue` (entry ids, oldest
first), `...:entries` (id → entry), `...:notified:<id>` (guardian ids the broadcast
reached), `...:dead` (id → entry set aside, with its reason) and `...:claim:<id>` (a /hw
conversation already sent).
"""
