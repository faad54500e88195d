"""Every shipped scenario validates against schema/scenario.schema.json (the schema
editors use), and a misspelt field or a wrong kind of value does not."""

import datetime
import glob
import json
import os
import tomllib

import jsonschema
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = json.load(open(os.path.join(ROOT, "schema", "scenario.schema.json")))
SCENARIOS = sorted(glob.glob(os.path.join(ROOT, "scenarios", "**", "*.toml"), recursive=True))


def as_json(value):
    """TOML's dates as the strings the schema describes them as."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", SCENARIOS, ids=[os.path.relpath(p, ROOT) for p in SCENARIOS])
def test_every_shipped_scenario_validates(path):
    with open(path, "rb") as f:
        jsonschema.validate(as_json(tomllib.load(f)), SCHEMA)


def test_mistakes_do_not_validate():
    assert len(SCENARIOS) >= 10
    with open(os.path.join(ROOT, "scenarios", "first-wave-2023.toml"), "rb") as f:
        good = as_json(tomllib.load(f))
    misspelt = json.loads(json.dumps(good))
    misspelt["site"][0]["bed"] = 10
    with pytest.raises(jsonschema.ValidationError, match="bed"):
        jsonschema.validate(misspelt, SCHEMA)
    wrong_kind = json.loads(json.dumps(good))
    wrong_kind["leg"][0]["mode"] = "rocket"
    with pytest.raises(jsonschema.ValidationError, match="rocket"):
        jsonschema.validate(wrong_kind, SCHEMA)
