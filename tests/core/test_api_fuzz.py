"""Schemathesis over the OpenAPI schema, as a clerk and as the city office: no server error, and every
response (status code, content type, body) is one the schema documents.

Bounded so that it runs in CI: a fixed seed, a few examples per operation, no shrinking, no database
reuse between examples beyond the test's transaction.
"""

import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error  # noqa: F401  (always on: 0 server errors)
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
)

from nongzhuancheng.wsgi import application

pytestmark = pytest.mark.django_db

def _schema():
    """The schema the site serves at /api/schema/ (behind sign-in there), generated in-process."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = application
    loaded.location = "/api/schema/"
    return loaded


schema = _schema()
# valid requests, and malformed ones (a value outside its type, format or enum, an empty typed value)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], no_shrink=True)
MAX_EXAMPLES = int(os.environ.get("NZC_FUZZ_EXAMPLES", "2"))
# positive_data_acceptance: a schema cannot say which county or station ids exist, so a well-formed id
# the database does not hold is rightly refused.
# content_type_conformance is on: every answer comes in a content type the schema documents.
# negative_data_rejection is on: a malformed parameter answers 4xx, an empty typed one (``?received_to=``)
# included: the API refuses it (nongzhuancheng.params.refuse_empty), where the HTML pages take it as no filter.
EXCLUDED = [positive_data_acceptance]
assert negative_data_rejection  # checked (imported to say so)
assert content_type_conformance  # checked (imported to say so)


@pytest.fixture
def tokens(django_db_setup, db):
    # like Django's test client: the end of a request must not close the test's database connection
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    from rest_framework.authtoken.models import Token

    from demo.factories import UserFactory
    from nongzhuancheng import roles
    from nongzhuancheng.models import PoliceStation

    station = PoliceStation.objects.get(code="53060201")
    clerk = UserFactory(username="fuzz_clerk", post=roles.CLERK, post__station=station)
    city = UserFactory(username="fuzz_city", post=roles.CITY_READER)
    yield {who: Token.objects.create(user=user).key for who, user in (("clerk", clerk), ("city", city))}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), database=None)
def test_the_api_keeps_to_its_schema(case, tokens):
    for who in ("clerk", "city"):
        case.call_and_validate(headers={"Authorization": f"Token {tokens[who]}"}, excluded_checks=EXCLUDED)
