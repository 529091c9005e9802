"""The landing sensor does not ask a database that refused the login again at every tick.

Measured with a real dagster-daemon and PostgreSQL (HV24, 2026-12-06): a date-column SQL source whose WB_PG_PASSWORD
was wrong was asked at every tick (about once a minute), one more 'FATAL: password authentication failed' in the
server's log each time: 60 failed logins an hour, which a server (or the directory behind it) may count towards
locking the account. A source whose server refused the login or the database is now left alone for
REFUSED_PAUSE_SECONDS (15 minutes), the tick saying so; its partitions are kept as for a database that is down."""

from __future__ import annotations

import json

import dagster as dg

from assets import sensors
from assets.ingest import CATALOGUE_ENV
from assets.sensors import LANDING_ENV, REFUSED, REFUSED_PAUSE_SECONDS
from pipelines.ingest.catalogue import SourceSpec
from tests.sensorhelpers import sensor_tick


def _catalogue(tmp_path, server) -> str:
    path = tmp_path / "dates.toml"
    path.write_text(
        "[[source]]\n"
        'id = "households_dates"\n'
        'registry = "households"\n'
        'format = "sql"\n'
        f'url = "postgresql+psycopg://${{WB_PG_USER}}:${{WB_PG_PASSWORD}}@{server.host}:{server.port}/${{WB_PG_DB}}"\n'
        'table = "households"\n'
        'key_column = "ma"\n'
        'extract_date_column = "ngay_xuat"\n'
        "[source.columns]\n"
        '"so_ho_khau" = "household_no"\n'
        '"ten_chu_ho" = "head_name"\n'
        '"dia_chi" = "address"\n',
        encoding="utf-8",
    )
    return str(path)


def test_a_refused_login_is_not_asked_again_for_a_while(postgres_server, tmp_path, monkeypatch):
    monkeypatch.setenv("WB_PG_USER", postgres_server.user)
    monkeypatch.setenv("WB_PG_PASSWORD", "wrong-Pw-for-test-777")
    monkeypatch.setenv("WB_PG_DB", postgres_server.dbname)
    monkeypatch.setenv(LANDING_ENV, str(tmp_path / "no_landing"))
    monkeypatch.setenv(CATALOGUE_ENV, _catalogue(tmp_path, postgres_server))
    asks = []
    groups = SourceSpec.extract_groups

    def counted(self):  # noqa: ANN001, ANN202
        asks.append(self.id)
        return groups(self)

    monkeypatch.setattr(SourceSpec, "extract_groups", counted)
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("households_extracts", ["households_dates@2025-08-31"])
        first = sensor_tick(instance)
        assert asks == ["households_dates"]
        assert "password authentication failed" in first.skip_reason.skip_message
        assert "households_dates" in json.loads(first.cursor)[REFUSED]

        second = sensor_tick(instance, first.cursor)
        assert asks == ["households_dates"]  # before: asked again, one more failed login per tick
        reason = second.skip_reason.skip_message
        assert "not asked: its server refused the login or the database at" in reason
        assert "wrong-Pw-for-test-777" not in reason and postgres_server.password not in reason
        assert instance.get_dynamic_partitions("households_extracts") == ["households_dates@2025-08-31"]  # kept

        state = json.loads(second.cursor)
        state[REFUSED]["households_dates"] -= REFUSED_PAUSE_SECONDS + 1  # the pause is over
        third = sensor_tick(instance, json.dumps(state))
        assert asks == ["households_dates", "households_dates"]
        assert "password authentication failed" in third.skip_reason.skip_message

        monkeypatch.setenv("WB_PG_PASSWORD", postgres_server.password)  # mended (no table: another error)
        state = json.loads(third.cursor)
        state[REFUSED]["households_dates"] -= REFUSED_PAUSE_SECONDS + 1
        fourth = sensor_tick(instance, json.dumps(state))
        assert asks[-1] == "households_dates" and len(asks) == 3
        assert json.loads(fourth.cursor)[REFUSED] == {}  # asked again from the next tick on
    assert sensors.REFUSED_PAUSE_SECONDS == 900
