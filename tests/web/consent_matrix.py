"""Role-matrix actions of consent on file (webapp/pages/consent.py, webapp/api/consent.py).

The report is read by class teachers (their classes) and the administration; the text
versions are the administration's, published by the administrator; a guardian's card,
paper forms, export and erasure are the administrator's and the secretary's.
`stranger`, with every role in another school, reads and publishes for his own school
and reaches none of our guardians.
"""

from __future__ import annotations

from tests.web.roles import Action

REPORT = frozenset({"russian", "admin", "secretary", "stranger"})
VERSIONS = frozenset({"admin", "secretary", "stranger"})
PUBLISHERS = frozenset({"admin", "stranger"})
KEEPERS = frozenset({"admin", "secretary"})
CARD = "/consent/guardian/{guardian:novikov}"

CONSENT_ACTIONS: list[Action] = [
    Action("consent report", "GET", "/consent", REPORT, "GET /consent"),
    Action(
        "publish a consent text",
        "POST",
        "/consent/versions",
        PUBLISHERS,
        "POST /consent/versions",
        form={"ru": "Новая редакция."},
    ),
    Action(
        "a guardian's consent card", "GET", CARD, KEEPERS, "GET /consent/guardian/{guardian_id}"
    ),
    Action(
        "a paper consent form",
        "POST",
        f"{CARD}/paper",
        KEEPERS,
        "POST /consent/guardian/{guardian_id}/paper",
        form={"decision": "give"},
    ),
    Action(
        "export a guardian's data (JSON)",
        "GET",
        f"{CARD}/export.json",
        KEEPERS,
        "GET /consent/guardian/{guardian_id}/export.json",
    ),
    Action(
        "export a guardian's data (PDF)",
        "GET",
        f"{CARD}/export.pdf",
        KEEPERS,
        "GET /consent/guardian/{guardian_id}/export.pdf",
    ),
    Action(
        "erase a guardian's personal data",
        "POST",
        f"{CARD}/erase",
        KEEPERS,
        "POST /consent/guardian/{guardian_id}/erase",
    ),
    Action(
        "API: consent text versions",
        "GET",
        "/api/v1/consent/versions",
        VERSIONS,
        "GET /api/v1/consent/versions",
        api=True,
    ),
    Action(
        "API: publish a consent text",
        "POST",
        "/api/v1/consent/versions",
        PUBLISHERS,
        "POST /api/v1/consent/versions",
        api=True,
        json={"texts": {"ru": "Новая редакция."}},
    ),
]
