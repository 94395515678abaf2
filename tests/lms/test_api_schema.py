"""The whole API against its OpenAPI description, property-based (schemathesis, in-process).

Every operation gets generated requests (valid and invalid) with a token holding every scope,
of a province officer enrolled in the example course with an open attempt; no answer may be a server
error or break the description (status, content type, headers, body schema), and requests
that break it must be refused. Schemathesis' "positive data acceptance" check is left out:
a request can fit the schema and still be refused for what it means (a question id that is
not in the attempt, a token not among the choices: 422), which no static schema can say."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from lms.extensions import db
from tests.lms.api_helpers import EXAMPLE_COURSE, EXAMPLE_QUIZ, make_token

MAX_EXAMPLES = 25


@pytest.fixture
def api_token(app, make_user):
    """A province officer's token with every scope, enrolled in the example course, one attempt open."""
    from lms.accounts.models import User
    from lms.catalog.services import course_by_slug
    from lms.learning.services import enrol
    from lms.quizzes.services import enrolled_quiz, start_attempt

    user_id = make_user(
        role="officer", scope_level="province", province_code="01", learner_group="citizen"
    )
    secret = make_token(app, user_id, ["learning:read", "quizzes:take", "stats:read"])
    with app.test_request_context():
        user = db.session.get(User, user_id)
        course = course_by_slug(EXAMPLE_COURSE)
        enrol(user, course)
        start_attempt(user, course, enrolled_quiz(user, course, EXAMPLE_QUIZ))
        db.session.commit()
    limit = app.config.get("API_RATE_LIMIT")
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    yield secret
    app.config["API_RATE_LIMIT"] = limit


def _run(operation, mode, secret: str) -> list[str]:
    """Run generated requests of one operation; return what went wrong (one line each)."""
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case) -> None:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {secret}"},
            excluded_checks=[positive_data_acceptance],
        )

    try:
        check()
    except Unsatisfiable:
        # Nothing to make invalid: the operation takes no parameter and no body.
        assert mode is GenerationMode.NEGATIVE, operation.label
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - report every operation
        failures.append(f"{operation.label} ({mode.value}): {error}")
    return failures


def test_api_matches_its_openapi_description(app, api_token):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures += _run(operation, mode, api_token)
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
