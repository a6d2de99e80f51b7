"""The headless list of binding ids (``tui/keymap_ids.py``) is exactly the app's and screens' ids.

The config is read on CLI paths, which never import Textual, so ``[keymap]`` is checked against a
static list; this test keeps that list equal to the real ``BINDINGS``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

import tui
from tui.config import load_settings
from tui.keymap_ids import BINDING_IDS


def real_binding_ids() -> set[str]:
    """Ids of every ``Binding`` in the BINDINGS of every widget, screen and app class under tui/."""
    found: set[str] = set()
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        if info.name.endswith(".__main__"):  # running it is the command itself
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__.startswith("tui."):
                found.update(
                    b.id for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding) and b.id
                )
    return found


def test_static_list_matches_the_real_bindings() -> None:
    real = real_binding_ids()
    assert real - BINDING_IDS == set(), "add these ids to tui/keymap_ids.py"
    assert BINDING_IDS - real == set(), "these ids are in tui/keymap_ids.py but no binding has them"


def test_every_known_id_can_be_remapped(tmp_path: Path) -> None:
    config = tmp_path / "huddle.toml"
    config.write_text("[keymap]\n" + "".join(f'"{i}" = "ctrl+k,f2"\n' for i in sorted(BINDING_IDS)))
    assert set(load_settings(config).keymap) == BINDING_IDS


def test_an_unknown_id_is_named(tmp_path: Path) -> None:
    from domain.errors import ValidationError

    config = tmp_path / "huddle.toml"
    config.write_text('[keymap]\n"board.move-rigth" = "L"\n')
    with pytest.raises(ValidationError, match=re.escape("unknown binding id 'board.move-rigth'")):
        load_settings(config)


@pytest.mark.parametrize("key", ["ctlr+l", "pgdown", "shift+", "ctrl+questionmark", "enter key"])
def test_an_unknown_key_name_is_named_in_one_line(tmp_path: Path, key: str) -> None:
    from domain.errors import ValidationError

    config = tmp_path / "huddle.toml"
    config.write_text(f'[keymap]\n"board.new-card" = "f2,{key}"\n')
    with pytest.raises(ValidationError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert "\n" not in message
    assert "board.new-card" in message
    assert repr(key) in message or f'"{key}"' in message or key in message


def test_every_textual_key_name_is_a_key() -> None:
    from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS, Keys

    from tui.keymap_ids import is_key_name

    bases = {key.value.split("+")[-1] for key in Keys if not key.value.startswith("<")}
    bases |= set(KEY_TO_UNICODE_NAME) | set(REPLACED_KEYS) - {"ctrl-at"}
    bases.discard("ctrl-at")
    missing = sorted(base for base in bases if not is_key_name(base))
    assert missing == []
    for key in ("L", "?", "ctrl+l", "ctrl+shift+left", "alt+d", "f12", "发"):
        assert is_key_name(key), key
