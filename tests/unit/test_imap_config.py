"""The ``[imap]`` table of huddle.toml and the ``HUDDLE_IMAP_*`` overrides (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import ValidationError
from outbound.imap import imap_target
from outbound.settings import ImapSettings
from tui.config import load_settings


def test_the_imap_table_is_read_and_unknown_keys_are_named(tmp_path: Path) -> None:
    path = tmp_path / "huddle.toml"
    path.write_text(
        '[imap]\nhost = "imap.example.com"\nusername = "chair@example.com"\nmove_to = "已处理"\n',
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert settings.imap == ImapSettings(
        host="imap.example.com", username="chair@example.com", move_to="已处理"
    )
    target = imap_target(settings.imap, {"HUDDLE_IMAP_PASSWORD": "pw", "HUDDLE_IMAP_MAILBOX": "回执"})
    assert (target.port, target.security, target.mailbox) == (993, "ssl", "回执")
    assert "pw" not in repr(target)
    path.write_text('[imap]\nhots = "x"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"\[imap\]: unknown setting 'hots'"):
        load_settings(path)
    path.write_text('imap = "x"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"\[imap\] must be a table"):
        load_settings(path)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HUDDLE_IMAP_SECURITY": "tls"}, "not one of"),
        ({"HUDDLE_IMAP_PORT": "70000"}, "out of range"),
        ({"HUDDLE_IMAP_MAILBOX": 'IN"BOX'}, "not a usable folder name"),
        ({"HUDDLE_IMAP_SECURITY": "none", "HUDDLE_IMAP_PASSWORD": "pw"}, "unencrypted"),
    ],
)
def test_bad_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        imap_target(ImapSettings(host="imap.example.com", username="chair"), env)
