"""No module of a package is named like a function the package exports: importing the
module would replace the function on the package (`from core.reading import
homework_days` then returned a module, depending on what was imported before)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest


@pytest.mark.parametrize("package", ["core", "core.reading", "core.services", "core.delivery"])
def test_no_submodule_shadows_an_exported_name(package: str) -> None:
    module = importlib.import_module(package)
    submodules = {info.name for info in pkgutil.iter_modules(module.__path__)}
    clashes = {
        name
        for name in getattr(module, "__all__", ())
        if name in submodules
        # A module exporting its own namesake function is safe: the package's import
        # of it binds the name after the module has loaded, once and for all.
        and getattr(getattr(module, name), "__module__", None) != f"{package}.{name}"
    }
    assert clashes == set()
