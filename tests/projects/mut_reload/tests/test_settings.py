import importlib
import sys

import conf.settings


def test_describe_after_reload(monkeypatch):
    monkeypatch.setenv("CONF_MODE", "fast")
    settings = importlib.reload(conf.settings)  # read the environment again
    assert settings.describe() == "mode=fast"


def test_limits_of_a_fresh_import():
    saved = sys.modules.pop("conf.settings")
    try:
        fresh = importlib.import_module("conf.settings")
        assert fresh.Limits().fits(3)
        assert not fresh.Limits().fits(4)
    finally:
        sys.modules["conf.settings"] = saved


def test_legacy_mode_has_no_working_directory(monkeypatch):
    import pytest

    monkeypatch.setenv("CONF_MODE", "legacy")
    settings = importlib.reload(conf.settings)
    try:
        with pytest.raises(RuntimeError):
            settings.getcwd()
    finally:
        monkeypatch.undo()
        importlib.reload(conf.settings)
