"""The JSON API (/api/v1), described by the app's OpenAPI document at /openapi.json."""
