import dataclasses
from pathlib import Path

import pytest

from promopilot.config import Settings, load_settings
from promopilot.exceptions import InputError

SHIPPED = Path(__file__).resolve().parents[1] / "promopilot.toml"


def test_shipped_file_parses_and_matches_the_defaults():
    assert load_settings(SHIPPED, env={}) == Settings()


def test_shipped_file_documents_every_setting():
    text = SHIPPED.read_text(encoding="utf-8")
    for field in dataclasses.fields(Settings):
        assert f"\n{field.name} = " in text, field.name


def test_environment_overrides_the_file():
    settings = load_settings(
        SHIPPED, env={"PROMOPILOT_CONTROL_SHARE": "0.2", "PROMOPILOT_DB": "other.duckdb"}
    )
    assert settings.control_share == 0.2 and settings.db == "other.duckdb"


def test_bad_values_are_refused_with_the_setting_named(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[promopilot]\ncontrol_share = 0.9\n")
    with pytest.raises(InputError, match="control_share"):
        load_settings(bad, env={})
    bad.write_text("[promopilot]\ncolour = 'red'\n")
    with pytest.raises(InputError, match="colour"):
        load_settings(bad, env={})
    with pytest.raises(InputError, match="threads"):
        load_settings(SHIPPED, env={"PROMOPILOT_THREADS": "many"})


def test_date_format_comes_from_the_environment_and_must_be_a_format():
    env = {"PROMOPILOT_DATE_FORMAT": "%d/%m/%Y %H:%M"}
    assert load_settings(SHIPPED, env=env).date_format == "%d/%m/%Y %H:%M"
    assert load_settings(SHIPPED, env={}).date_format == ""  # empty: detect
    with pytest.raises(InputError, match="date_format must be a strptime format"):
        load_settings(SHIPPED, env={"PROMOPILOT_DATE_FORMAT": "day-first"})
