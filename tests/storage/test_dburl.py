"""``storage.dburl.local_key``: the folder of a server database's meeting journals, the same as before
without ``hashlib`` (whose OpenSSL load was on the app's way to its first frame on a server)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from storage.dburl import _sha256, local_key

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "data", [b"", b"abc", "postgresql://ann@db.example:5432/团队".encode(), bytes(range(256)) * 9]
)
def test_the_digest_is_sha256(data: bytes) -> None:
    assert _sha256(data) == hashlib.sha256(data).hexdigest()


def test_the_key_is_the_one_journals_were_kept_under() -> None:
    url = "postgresql://ann:s3cret@db.example:5432/团队?sslmode=require"
    shown = "postgresql://ann@db.example:5432/团队?sslmode=require"
    assert local_key(url) == f"db.example-5432-_-{hashlib.sha256(shown.encode()).hexdigest()[:10]}"
    assert local_key("postgresql://huddle@127.0.0.1:5432/x") == "127.0.0.1-5432-x-72102cbf36"


def test_making_the_key_loads_no_hashlib() -> None:
    program = (
        "import sys; from storage.dburl import local_key; local_key('postgresql://a@h/d'); "
        "print(sorted({'hashlib', '_hashlib'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
