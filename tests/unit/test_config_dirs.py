"""tui.config finds the config, data and state folders where platformdirs does, without importing it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from tui import config

HOMES = ["/home/ann", "/home/ann/", "/"]
XDG = [None, "", "/srv/xdg", "relative/xdg", "/srv/xdg/"]


@pytest.mark.skipif(
    sys.platform != "linux", reason="the fast path is Linux's; elsewhere platformdirs answers"
)
@pytest.mark.parametrize("home", HOMES)
@pytest.mark.parametrize("xdg", XDG)
def test_the_folders_are_platformdirs_folders(
    home: str, xdg: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", home)
    for kind, (variable, _default) in config._XDG.items():
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg)
        expected = getattr(platformdirs, f"user_{kind}_dir")("huddle")
        assert str(config._user_dir(kind)) == str(Path(expected))


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_an_unusual_home_is_left_to_platformdirs(home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", home)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    try:
        expected = platformdirs.user_config_dir("huddle")
    except RuntimeError as exc:  # platformdirs refuses a home it cannot resolve: so does Huddle
        with pytest.raises(RuntimeError, match=str(exc)[:30]):
            config.config_dir()
        return
    assert str(config.config_dir()) == str(Path(expected))


def test_reading_the_config_folder_does_not_import_platformdirs() -> None:
    code = "import sys; from tui import config; config.config_dir(); print('platformdirs' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    fast = sys.platform == "linux" and os.environ.get("HOME", "").startswith("/")
    assert out.stdout.strip() == str(not fast)
