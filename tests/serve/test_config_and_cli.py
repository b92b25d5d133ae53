"""Keys from the environment or promopilot.toml, and the `promopilot serve` command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promopilot.cli import app as cli_app
from promopilot.exceptions import InputError
from promopilot.serve.config import Role, load_serve_config


def test_keys_come_from_the_environment(tmp_path):
    config = load_serve_config(
        tmp_path / "none.toml",
        env={"PROMOPILOT_ADMIN_KEYS": "a1, a2", "PROMOPILOT_READ_KEYS": "r1"},
    )
    assert config.role("a1") == config.role("a2") == Role.ADMIN
    assert config.role("r1") == Role.READ
    assert config.role("a3") is None and config.role(None) is None and config.role("") is None


def test_keys_come_from_the_config_file_and_the_environment_wins(tmp_path):
    path = tmp_path / "promopilot.toml"
    path.write_text(
        '[promopilot]\nseed = 1\n\n[serve]\nadmin_keys = ["fa"]\nread_keys = "fr1,fr2"\n'
    )
    config = load_serve_config(path, env={})
    assert config.role("fa") == Role.ADMIN and config.role("fr2") == Role.READ
    config = load_serve_config(path, env={"PROMOPILOT_READ_KEYS": "er"})
    assert config.role("fr1") is None and config.role("er") == Role.READ
    assert config.role("fa") == Role.ADMIN


def test_keys_are_kept_only_as_hashes(tmp_path):
    config = load_serve_config(tmp_path / "none.toml", env={"PROMOPILOT_ADMIN_KEYS": "s3cret"})
    assert "s3cret" not in repr(config)


def test_no_keys_at_all_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(InputError, match="PROMOPILOT_ADMIN_KEYS"):
        load_serve_config(tmp_path / "none.toml", env={})


def test_serve_is_a_command_with_documented_options():
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "--plan", "--campaign-id"):
        assert option in result.output


def test_serve_refuses_a_missing_store(tmp_path):
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert isinstance(result.exception, InputError)
    assert "no store here" in str(result.exception)


@pytest.fixture()
def served_db(tiny_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no promopilot.toml with keys here
    for name in ("PROMOPILOT_ADMIN_KEYS", "PROMOPILOT_READ_KEYS", "PROMOPILOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    db = tmp_path / "shop.duckdb"
    shutil.copy(tiny_db, db)
    return db


def test_serve_announces_the_dashboard_only_when_it_will_start(served_db, monkeypatch):
    runner = CliRunner()
    result = runner.invoke(cli_app, ["serve", "--db", str(served_db)])
    assert "PROMOPILOT_ADMIN_KEYS" in str(result.exception)  # no keys: refused
    assert "dashboard:" not in result.output

    monkeypatch.setenv("PROMOPILOT_ADMIN_KEYS", "k1")
    args = ["serve", "--db", str(served_db), "--plan", "nope.csv", "--campaign-id", "s"]
    result = runner.invoke(cli_app, args)
    assert "no such plan file" in str(result.exception)
    assert "dashboard:" not in result.output
    assert not Path(str(served_db) + ".serve").exists()  # the marker is gone again

    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: started.append(kwargs["port"]))
    result = runner.invoke(cli_app, ["serve", "--db", str(served_db), "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert started == [8765]
    assert "dashboard: http://127.0.0.1:8765/" in result.output
