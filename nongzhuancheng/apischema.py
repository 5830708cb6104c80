"""The API schema documents the error answers every operation can give (drf-spectacular hook).

DRF answers 400 (a parameter or body it refuses), 401 (no or bad credentials), 403 (a role without the
action), 404 (an object out of scope, or a page past the end) and 429 (throttled) on any operation;
without this hook the schema lists only the success codes, so clients and schema checks (schemathesis,
tests/core/test_api_fuzz.py) meet answers the schema never mentions.

``PlainAutoSchema`` keeps the code's docstrings out of the descriptions.
"""

from typing import Any

from drf_spectacular.drainage import get_override
from drf_spectacular.openapi import AutoSchema

ERROR = {"$ref": "#/components/schemas/Error"}
ANSWERS = {
    "400": "A parameter or the body was refused (messages by field name).",
    "401": "No credentials, or invalid ones.",
    "403": "The user's role may not take this action.",
    "404": "No such object in the user's scope, or a page past the end.",
    "429": "Too many requests: try again later.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", {
        "type": "object",
        "description": "detail: the reason; a refused input lists its messages by field name",
        # one reason, or (a service's refusal without a field) its messages
        "properties": {"detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
        "additionalProperties": True,
    })
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ANSWERS.items():
                responses.setdefault(code, {"description": description,
                                            "content": {"application/json": {"schema": ERROR}}})
    return result


class PlainAutoSchema(AutoSchema):
    """The schema without the code's docstrings: they are written for the next programmer (services,
    selectors, scoping), not for an API client. A description appears only where it is written for
    the client: ``extend_schema(description=...)``, ``extend_schema_serializer``, a field's help_text."""

    def get_description(self) -> str:  # type: ignore[override]
        return ""  # extend_schema(description=...) overrides this method when it gives one

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> Any:
        result = super()._map_basic_serializer(serializer, direction)
        description = get_override(serializer, "description", None)
        if description:
            result["description"] = description
        else:
            result.pop("description", None)
        return result

    def _map_response_type_hint(self, method: Any) -> Any:
        result = super()._map_response_type_hint(method)
        result.pop("description", None)  # a SerializerMethodField's docstring
        return result
