"""Property-based test over the app's own OpenAPI schema: no generated request gets a 5xx.

Schemathesis generates valid and invalid requests for every documented operation (bodies,
query strings, headers). The default run is small; set ``MIZAN_FUZZ_EXAMPLES=3000`` for a
long run.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from requests.structures import CaseInsensitiveDict
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mizan.detector.engine import DetectorEngine
from mizan.service.app import create_app
from mizan.service.runtime import EngineSlot
from mizan.service.settings import ServiceSettings

FUZZ_EXAMPLES = int(os.environ.get("MIZAN_FUZZ_EXAMPLES", "100"))
STATUSES: Counter[str] = Counter()


# The schema is read when the module is collected; the engine is put in at test time, from
# the session fixture, so collecting this module loads no model.
FUZZ_STORE_URL = f"sqlite:///{tempfile.mkdtemp(prefix='mizan-fuzz-')}/mizan.db"
APP = create_app(
    ServiceSettings(
        api_keys=[],
        max_body_bytes=1_000_000,
        max_text_chars=100_000,
        max_batch_items=100,
        store_url=FUZZ_STORE_URL,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
API_KEY = "fuzz-key-1"
KEYED_APP = create_app(
    ServiceSettings(
        api_keys=[API_KEY],
        max_body_bytes=1_000_000,
        max_text_chars=100_000,
        store_url=FUZZ_STORE_URL,
    )
)
keyed_schema = schemathesis.openapi.from_asgi(
    "/openapi.json", KEYED_APP, headers={"X-API-Key": API_KEY}
)


@pytest.fixture(autouse=True, scope="module")
def _serve_with_the_session_engine(engine: DetectorEngine) -> None:
    APP.state.engine_slot = EngineSlot(engine)
    KEYED_APP.state.engine_slot = EngineSlot(engine)


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=FUZZ_EXAMPLES <= 100,
)
def test_no_generated_request_gets_a_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    STATUSES[f"{case.method} {case.path} {response.status_code}"] += 1
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()["detail"]


@keyed_schema.parametrize()
@settings(
    max_examples=max(10, FUZZ_EXAMPLES // 4),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=FUZZ_EXAMPLES <= 100,
)
def test_api_keys_with_generated_requests(case: schemathesis.Case) -> None:
    as_generated = case.call()
    STATUSES[f"keyed app, generated key: {case.method} {case.path} {as_generated.status_code}"] += 1
    if case.path in ("/healthz", "/readyz", "/metrics"):
        assert as_generated.status_code < 500
    else:
        assert as_generated.status_code == 401
        assert "API key" in as_generated.json()["detail"]
    headers = CaseInsensitiveDict(case.headers or {})
    headers["X-API-Key"] = API_KEY  # replaces a generated key, whatever its spelling
    case.headers = headers
    with_key = case.call()
    STATUSES[f"keyed app, valid key: {case.method} {case.path} {with_key.status_code}"] += 1
    assert with_key.status_code < 500
    assert with_key.status_code != 401


def test_fuzz_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """On a long run (MIZAN_FUZZ_EXAMPLES set), print how many requests got which status."""
    if "MIZAN_FUZZ_EXAMPLES" not in os.environ or not STATUSES:
        return
    with capsys.disabled():
        print(f"\nfuzzed requests: {sum(STATUSES.values())}")
        for key, count in sorted(STATUSES.items()):
            print(f"  {count:6d}  {key}")
