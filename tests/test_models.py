"""The typed Decision built on the fast path equals a fully validated one."""
from hypothesis import HealthCheck, given, settings

from zwgk_rules import Decision
from strategies import requests


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests())
def test_fast_model_equals_validated_model(engine, req):
    for explain in (False, True):
        d = engine.decide(req, explain=explain)
        again = Decision.model_validate(d.model_dump())
        assert again == d
        assert Decision.model_validate_json(d.model_dump_json()) == d
        raw = engine.decide_raw(req, explain=explain)
        assert d.model_dump(mode="json", exclude_none=False)["deadline"]["due"] == (
            raw["deadline"]["due"].isoformat() if raw["deadline"]["due"] else None)
