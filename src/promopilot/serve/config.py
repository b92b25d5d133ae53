"""API keys of the server: from ``PROMOPILOT_ADMIN_KEYS`` / ``PROMOPILOT_READ_KEYS``
(comma-separated) or the ``[serve]`` table of ``promopilot.toml`` (``admin_keys = [...]``,
``read_keys = [...]``); the environment wins. Keys are kept only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

from promopilot.exceptions import InputError


class Role(IntEnum):
    READ = 1
    ADMIN = 2


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ServeConfig:
    """Who may call the API: hashes of admin and read keys."""

    key_roles: dict[str, Role]

    @classmethod
    def from_keys(
        cls,
        admin_keys: list[str] | tuple[str, ...] = (),
        read_keys: list[str] | tuple[str, ...] = (),
    ) -> ServeConfig:
        roles = {key_hash(k): Role.READ for k in read_keys if k}
        roles.update({key_hash(k): Role.ADMIN for k in admin_keys if k})
        return cls(roles)

    def role(self, key: str | None) -> Role | None:
        return self.key_roles.get(key_hash(key)) if key else None

    def validate(self) -> ServeConfig:
        if not self.key_roles:
            raise InputError(
                "no API keys: set PROMOPILOT_ADMIN_KEYS and/or PROMOPILOT_READ_KEYS "
                "(comma-separated), or admin_keys/read_keys under [serve] in "
                "promopilot.toml"
            )
        return self


def _split(text: str) -> list[str]:
    return [k.strip() for k in text.split(",") if k.strip()]


def load_serve_config(
    path: str | Path | None = None, env: dict[str, str] | None = None
) -> ServeConfig:
    """Keys from the config file's ``[serve]`` table, overridden by the environment."""
    env = dict(os.environ) if env is None else env
    path = path or env.get("PROMOPILOT_CONFIG")
    candidate = Path(path) if path else Path("promopilot.toml")
    table: dict = {}
    if candidate.exists():
        try:
            table = tomllib.loads(candidate.read_text(encoding="utf-8")).get("serve", {})
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"{candidate}: not valid TOML: {error}") from None
    keys = {}
    for name in ("admin_keys", "read_keys"):
        value = table.get(name, [])
        keys[name] = _split(value) if isinstance(value, str) else [str(k) for k in value]
        variable = f"PROMOPILOT_{name.upper()}"
        if variable in env:
            keys[name] = _split(env[variable])
    return ServeConfig.from_keys(keys["admin_keys"], keys["read_keys"]).validate()
