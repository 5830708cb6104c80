from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.base import CastTestCase


class ApiSchemaTest(CastTestCase):
    def test_the_households_endpoints_generate_a_valid_schema_without_warnings(self):
        patterns = [path("api/v1/", include("households.api.urls"))]
        GENERATOR_STATS.reset()
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
        warnings = dict(GENERATOR_STATS._warn_cache)
        errors = dict(GENERATOR_STATS._error_cache)
        GENERATOR_STATS.reset()
        self.assertEqual(warnings, {})
        self.assertEqual(errors, {})
        validate_schema(schema)  # raises on an invalid OpenAPI document
        for p in (
            "/api/v1/applications/", "/api/v1/applications/{id}/move/",
            "/api/v1/applications/{id}/events/", "/api/v1/households/{id}/", "/api/v1/people/", "/api/v1/id-check/",
        ):
            self.assertIn(p, schema["paths"])
        for name in ("complete", "return", "resubmit", "reject", "withdraw"):  # one endpoint, not one per move
            self.assertNotIn(f"/api/v1/applications/{{id}}/{name}/", schema["paths"])
        params = {p["name"] for p in schema["paths"]["/api/v1/applications/"]["get"]["parameters"]}
        self.assertLessEqual(
            {"q", "status", "county", "station", "category", "completed_from", "completed_to", "received_from",
             "received_to", "page"},
            params,
        )

    def test_the_move_endpoint_lists_the_moves_of_the_table_as_an_enum(self):
        from households.models import TransferApplication

        patterns = [path("api/v1/", include("households.api.urls"))]
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
        body = schema["paths"]["/api/v1/applications/{id}/move/"]["post"]["requestBody"]["content"]
        ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        move = schema["components"]["schemas"][ref]["properties"]["move"]
        ref = move.get("$ref") or move["allOf"][0]["$ref"]
        enum = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["enum"]
        self.assertEqual(enum, [m.name for m in TransferApplication.WORKFLOW])

    def test_the_schema_endpoint_answers_signed_in_users(self):
        self.login(self.alice)
        r = self.client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        self.assertEqual(r.status_code, 200)
        self.assertIn("/api/v1/applications/", r.content.decode())

    def test_the_swagger_ui_loads_from_local_sidecar_assets(self):
        self.login(self.alice)
        r = self.client.get("/api/docs/")
        self.assertEqual(r.status_code, 200)
        html = r.content.decode()
        self.assertIn("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", html)
        self.assertNotIn("cdn.jsdelivr.net", html)
