"""What /openapi.json promises a program: every error answer with its body, typed
bodies, bounded ids; and that what the API reads out can be written back as it is.

On SQLite only: the document does not depend on the database, and the write-back goes
through core's set-up service, tested on both backends (tests/integration).
"""

from __future__ import annotations

from typing import Any

from core.policy import SchoolPolicy
from core.validation import MAX_ID
from tests.web.browser import Web
from tests.web.journal_site import site_fixture  # noqa: F401  (the `site` fixture)

ERROR_STATUSES = ("401", "403", "404", "409", "422")
ERROR_BODY = "#/components/schemas/ErrorResponse"


async def _document(site: Web) -> dict[str, Any]:
    response = await site.browser().client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


async def test_every_operation_documents_its_error_answers(site: Web) -> None:
    document = await _document(site)
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ERROR_STATUSES:
                answer = operation["responses"].get(status, {})
                body = answer.get("content", {}).get("application/json", {}).get("schema", {})
                if body.get("$ref") != ERROR_BODY:
                    missing.append(f"{method.upper()} {path} {status}")
    assert not missing, "\n".join(missing)
    error = document["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"code", "message"}


async def test_ids_are_bounded_in_paths_queries_and_bodies(site: Web) -> None:
    document = await _document(site)
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if not parameter["name"].endswith("_id"):
                    continue
                schema = parameter["schema"]
                schema = next((s for s in schema.get("anyOf", [schema]) if "type" in s), schema)
                if (schema.get("minimum"), schema.get("maximum")) != (1, MAX_ID):
                    unbounded.append(f"{method.upper()} {path} {parameter['name']}: {schema}")
    assert not unbounded, "\n".join(unbounded)
    cell = document["components"]["schemas"]["CellIn"]["properties"]["lesson_id"]
    assert cell["minimum"] == 1 and int(cell["maximum"]) >= MAX_ID


async def test_the_policy_patch_body_is_a_typed_schema(site: Web) -> None:
    document = await _document(site)
    patch = document["paths"]["/api/v1/admin/school/policy"]["patch"]
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == set(SchoolPolicy.model_fields)
    assert schema["additionalProperties"] is False
    deadline = schema["properties"]["homework_deadline"]["anyOf"][0]
    assert deadline["enum"] == ["after_last_lesson", "fixed_time"]


async def test_what_the_api_reads_can_be_written_back_unchanged(site: Web) -> None:
    token = await site.api_token("admin")
    api, admin = site.browser().client, {"Authorization": f"Bearer {token.secret}"}
    two = [
        {"slot": 1, "start": "8:30", "end": "09.15"},
        {"slot": 2, "start": "9:25", "end": "10:10"},
    ]
    assert (await api.put("/api/v1/admin/school/bells", json=two, headers=admin)).is_success
    school = (await api.get("/api/v1/admin/school", headers=admin)).json()
    assert school["bells"][0] == {"slot": 1, "start": "08:30", "end": "09:15"}
    assert school["policy"]["quiet_hours_start"] == "21:00:00"  # as the API writes a time
    again = await api.patch("/api/v1/admin/school/policy", json=school["policy"], headers=admin)
    assert again.status_code == 200, again.text
    assert again.json()["policy"] == school["policy"]
    bells = await api.put("/api/v1/admin/school/bells", json=school["bells"], headers=admin)
    assert bells.status_code == 200, bells.text
    assert bells.json()["bells"] == school["bells"]
    # A field the school's rules do not have is refused, not ignored.
    unknown = await api.patch(
        "/api/v1/admin/school/policy", json={"quiet_hours": "21:00"}, headers=admin
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "invalid_request"
