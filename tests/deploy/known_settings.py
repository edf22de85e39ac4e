"""The TICKETING_* variables the app reads, found from its pydantic settings classes wherever they
live (one class today, per-module groups tomorrow), so manifests can be checked against them."""

from __future__ import annotations

import importlib

from pydantic import BaseModel
from pydantic_settings import BaseSettings

# Read by code that is on its way (named in the issue that asks for it); remove each name once
# the app reads it, after which the test checks it like any other.
COMING: dict[str, str] = {}
# Where settings classes live: the app's groups, every module's, the archive's (bus infrastructure).
SETTINGS_OWNERS = ("app.settings", "app.registry", "bus.archive")


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def _names(model: type[BaseModel], prefix: str, delimiter: str | None) -> set[str]:
    names = set()
    for field_name, field in model.model_fields.items():
        aliases = [a for a in (field.alias, field.validation_alias) if isinstance(a, str)]
        for name in aliases or [field_name]:
            names.add(f"{prefix}{name}".upper())
        nested = field.annotation
        if delimiter and isinstance(nested, type) and issubclass(nested, BaseModel):
            names |= _names(nested, f"{prefix}{field_name}{delimiter}", delimiter)
    return names


def known_settings() -> set[str]:
    """Every variable of every settings class under the TICKETING_ prefix, once the app, its
    modules (the registry imports them all) and the bus's archive are imported."""
    for owner in SETTINGS_OWNERS:
        importlib.import_module(owner)
    names: set[str] = set()
    for cls in _subclasses(BaseSettings):
        prefix = str(cls.model_config.get("env_prefix") or "")
        delimiter = cls.model_config.get("env_nested_delimiter")
        names |= _names(cls, prefix, delimiter)
    return {name for name in names if name.startswith("TICKETING_")}


def unknown(variables: set[str]) -> set[str]:
    return {v for v in variables if v.startswith("TICKETING_")} - known_settings() - set(COMING)
