"""``huddle db copy`` and ``huddle db check`` between a real JSON file and a real PostgreSQL database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.migrations import SCHEMA_VERSION as DOC_SCHEMA
from storage.postgres.schema import SCHEMA_VERSION as SQL_SCHEMA
from tests.helpers.cli import Cli
from tests.helpers.pgserver import PgServer


@pytest.fixture
def filled(cli: Cli) -> Cli:
    """A JSON file with the demo project, a change request and a Chinese card."""
    cli.ok("demo")
    cli.ok("change", "request", "--title", "推迟发布一周")
    cli.ok("card", "add", "--dept", "OPS", "--title", "复制测试 copy me")
    return cli


def test_copy_file_to_server_and_back_keeps_every_record(filled: Cli, pg_url: str) -> None:
    before = filled("card", "list", "--json").json()
    result = filled("db", "copy", str(filled.db), pg_url, "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["verified"] is True
    assert report["counts"]["cards"] == len(before)
    assert "activity" in report["counts"]
    on_server = Cli(filled.db, filled.capsys, pg_url)
    assert on_server("card", "list", "--json").json() == before
    assert on_server.ok("card", "add", "--dept", "OPS", "--title", "numbering goes on") != before[-1]["id"]
    history = on_server("card", "show", "OPS-1", "--json").json()
    assert history["id"] == "OPS-1"

    back = filled.folder / "back.json"
    assert filled("db", "copy", pg_url, str(back)).code == 0
    assert (
        Cli(back, filled.capsys)("card", "list", "--json").json()
        == on_server("card", "list", "--json").json()
    )


def test_copy_refuses_a_target_with_data_unless_forced(filled: Cli, pg_url: str) -> None:
    assert filled("db", "copy", str(filled.db), pg_url).code == 0
    on_server = Cli(filled.db, filled.capsys, pg_url)
    on_server.ok("card", "add", "--dept", "OPS", "--title", "only on the server")
    digest = on_server.digest()
    refused = filled("db", "copy", str(filled.db), pg_url)
    assert refused.code == 1
    assert refused.err.startswith("huddle: error: ")
    assert "--force" in refused.err
    assert on_server.digest() == digest
    forced = filled("db", "copy", str(filled.db), pg_url, "--force")
    assert forced.code == 0, forced.err
    titles = [c["title"] for c in on_server("card", "list", "--json").json()]
    assert "only on the server" not in titles
    new_id = on_server.ok("card", "add", "--dept", "OPS", "--title", "after the forced copy")
    assert new_id not in {c["id"] for c in filled("card", "list", "--json").json()}  # ids never reused


def test_copy_refuses_a_password_on_the_command_line(cli: Cli, pg_url: str) -> None:
    with_password = pg_url.replace("huddle@", "huddle:hunter2@", 1)
    result = cli("db", "copy", str(cli.db), with_password)
    assert result.code == 2
    assert "hunter2" not in result.err
    assert "pgpass" in result.err
    assert cli("--db", with_password, "card", "list").code == 2


def test_check_reports_schema_counts_and_problems(filled: Cli, pg_url: str, pg_server: PgServer) -> None:
    local = filled("db", "check", "--json").json()
    assert local["backend"] == "json"
    assert local["ok"] is True
    assert filled("db", "copy", str(filled.db), pg_url).code == 0
    on_server = Cli(filled.db, filled.capsys, pg_url)
    report = on_server("db", "check", "--json").json()
    assert report["backend"] == "postgresql"
    assert (report["schema"], report["document_schema"]) == (SQL_SCHEMA, DOC_SCHEMA)
    assert report["counts"] == local["counts"]
    assert report["problems"] == []
    assert "huddle:" not in report["where"].split("@")[0].split("//")[1]  # no password part

    database = pg_url.rsplit("/", 1)[1]
    pg_server.sql("UPDATE counters SET value = 1 WHERE name = 'card:OPS'", database)
    pg_server.sql("UPDATE cards SET col = 'Nowhere' WHERE id = 'OPS-2'", database)
    broken = on_server("db", "check")
    assert broken.code == 1
    assert "card:OPS is behind" in broken.out
    assert "OPS-2 has board columns that disagree" in broken.out
    assert broken.out.strip().endswith("problem(s)")


def test_libpq_password_and_service_files_work_and_a_missing_password_is_one_line(
    pg_server: PgServer, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    from tests.helpers.pgserver import PASSWORD_ROLE

    database = pg_url.rsplit("/", 1)[1]
    pg_server.sql(f"DO $$ BEGIN CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'pa55-秘密'; "
                  "EXCEPTION WHEN duplicate_object THEN NULL; END $$")  # fmt: skip
    pg_server.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {PASSWORD_ROLE}", database)
    pg_server.sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {PASSWORD_ROLE}", database)
    url = f"postgresql://{PASSWORD_ROLE}@127.0.0.1:{pg_server.port}/{database}"
    cli = Cli(tmp_path / "unused.json", capsys, url)

    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))
    refused = cli("dept", "list")
    assert refused.code == 1
    assert refused.err.startswith("huddle: error: cannot reach the Huddle database")
    assert "password" in refused.err
    assert "Traceback" not in refused.err
    assert len(refused.err.strip().splitlines()) == 1

    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:{database}:{PASSWORD_ROLE}:pa55-秘密\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert cli.ok("dept", "add", "Operations", "--key", "OPS")

    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[team]\nhost=127.0.0.1\nport={pg_server.port}\ndbname={database}\nuser={PASSWORD_ROLE}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    by_service = Cli(tmp_path / "unused.json", capsys, "postgresql://?service=team")
    assert [d["name"] for d in by_service("dept", "list", "--json").json()] == ["Operations"]
    shown = by_service("db", "check", "--json").json()
    assert "pa55" not in json.dumps(shown, ensure_ascii=False)


def test_the_configs_db_and_huddle_db_select_the_server(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``db = "postgresql://..."`` in the config file selects the server; ``$HUDDLE_DB`` wins over it."""
    config = tmp_path / "huddle.toml"
    config.write_text(f'db = "{pg_url}"\n', encoding="utf-8")
    monkeypatch.setenv("HUDDLE_CONFIG", str(config))
    plain = Cli(tmp_path / "unused.json", capsys)
    capsys.readouterr()
    from tui.cli import main

    assert main(["--user", "ann", "dept", "add", "运维部", "--key", "OPS"]) == 0
    assert main(["--user", "ann", "card", "add", "--dept", "OPS", "--title", "配置里的服务器"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "OPS-1"
    on_server = Cli(tmp_path / "unused.json", capsys, pg_url)
    assert [c["title"] for c in on_server("card", "list", "--json").json()] == ["配置里的服务器"]
    assert not plain.db.exists()  # nothing went to a file

    elsewhere = tmp_path / "env.json"
    monkeypatch.setenv("HUDDLE_DB", str(elsewhere))
    assert main(["--user", "ann", "dept", "add", "Elsewhere"]) == 0
    assert elsewhere.exists()
    assert [d["name"] for d in on_server("dept", "list", "--json").json()] == ["运维部"]


def test_a_password_from_the_environment_works_and_is_never_printed(
    pg_server: PgServer, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Only the command line refuses a password in the URL; from ``$HUDDLE_DB`` it is used, and no
    message, report or title shows it, right or wrong."""
    from storage.postgres import PgStore
    from storage.postgres.appstore import AppPgStore
    from tests.helpers.pgserver import PASSWORD_ROLE
    from tui.cli import main

    database = pg_url.rsplit("/", 1)[1]
    pg_server.sql(f"DO $$ BEGIN CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'pa55-秘密'; "
                  "EXCEPTION WHEN duplicate_object THEN NULL; END $$")  # fmt: skip
    pg_server.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {PASSWORD_ROLE}", database)
    pg_server.sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {PASSWORD_ROLE}", database)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))
    where = f"127.0.0.1:{pg_server.port}/{database}"

    monkeypatch.setenv("HUDDLE_DB", f"postgresql://{PASSWORD_ROLE}:wrong-错误@{where}")
    capsys.readouterr()
    assert main(["--user", "ann", "dept", "list"]) == 1
    refused = capsys.readouterr()
    assert "password authentication failed" in refused.err
    assert "wrong-错误" not in refused.out + refused.err
    assert len(refused.err.strip().splitlines()) == 1

    right = f"postgresql://{PASSWORD_ROLE}:pa55-秘密@{where}"
    monkeypatch.setenv("HUDDLE_DB", right)
    assert main(["--user", "ann", "dept", "add", "Operations", "--key", "OPS"]) == 0
    assert main(["--user", "ann", "db", "check", "--json"]) == 0
    assert main(["--user", "ann", "db", "check"]) == 0
    shown = capsys.readouterr()
    assert "pa55" not in shown.out + shown.err
    server, app_store = PgStore(right), AppPgStore(right, pre_read=False)
    try:  # what the app's title shows
        assert server.describe() == app_store.describe() == f"postgresql://{PASSWORD_ROLE}@{where}"
    finally:
        server.close()
        app_store.close()
