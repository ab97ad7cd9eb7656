"""SQL cells on a real PostgreSQL 15 and on SQLite files: results as tables,
rows bound in the kernel with their types, database errors as error outputs."""

from __future__ import annotations

import json

import pytest

from cells import error_of, ok, open_kernel, put_connection, run_cell
from real_parts import PG_PASSWORD
from spin_harness import run

TYPES_SQL = """
select * from (values
  (1::int2, 2147483647::int4, 9007199254740993::int8, 1.5::float4, 2.25::float8, 12.5::numeric, true,
   'text é'::text, 'vc'::varchar, '2024-02-29 13:14:15.123456'::timestamp, '2024-02-29 13:14:15+02'::timestamptz,
   '2024-02-29'::date, '{"a": [1, 2]}'::jsonb, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid),
  (null, null, null, null, null, null, null, null, null, null, null, null, null, null)
) as t(i2, i4, i8, f4, f8, num, flag, txt, vc, ts, tstz, d, js, id)
"""

CHECK_TYPES = r"""
import json, datetime
df = typed
out = {}
if hasattr(df, 'dtypes'):
    out['dtypes'] = {c: str(t) for c, t in df.dtypes.items()}
    row = df.iloc[0]
    out['i8'] = int(row['i8']); out['f8'] = float(row['f8']); out['txt'] = row['txt']; out['flag'] = bool(row['flag'])
    out['ts'] = str(row['ts']); out['tstz'] = str(row['tstz']); out['d'] = str(row['d']); out['js'] = row['js']
    out['null_i8'] = str(df.iloc[1]['i8']); out['null_txt'] = df.iloc[1]['txt']
    out['rows'] = len(df)
print(json.dumps(out, default=str))
"""


@pytest.fixture(scope="module")
def warehouse(executor, postgres):
    postgres.psql("create table if not exists orders (id int primary key, customer text, amount float8, placed timestamp)")
    postgres.psql("insert into orders select g, 'c' || (g % 100), g * 1.5, timestamp '2024-01-01' + g * interval '1 minute' "
                  "from generate_series(1, 100000) g on conflict do nothing")
    # Port and sslmode as placeholders too: SPEC §6 lets any field name the runtime's environment.
    put_connection(executor, "warehouse", {
        "type": "postgres", "host": "127.0.0.1", "port": "{{runtime_env:PG_TEST_PORT}}", "user": "postgres",
        "password": "{{runtime_env:PG_TEST_PASSWORD}}", "database": "postgres", "sslmode": "{{runtime_env:PG_TEST_SSLMODE}}",
    })
    return "warehouse"


def test_postgres_types_round_trip_into_a_dataframe(executor, kernel, warehouse):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        result = ok(await run_cell(kc, TYPES_SQL, "sql", connection=warehouse, variable="typed"))
        data = result.of_type("execute_result")[0].content["data"]
        assert set(data) >= {"text/plain", "text/html", "application/vnd.dataresource+json"}
        schema = {f["name"]: f["type"] for f in data["application/vnd.dataresource+json"]["schema"]["fields"]}
        assert schema["i8"] == "integer" and schema["f8"] == "number" and schema["flag"] == "boolean"
        assert schema["ts"] == "datetime" and schema["d"] == "date" and schema["txt"] == "string"
        assert "2 rows" in data["text/html"]
        checked = ok(await run_cell(kc, CHECK_TYPES))
        values = json.loads(checked.stream())
        assert values["rows"] == 2
        assert values["i8"] == 9007199254740993
        assert values["f8"] == 2.25 and values["txt"] == "text é" and values["flag"] is True
        assert values["dtypes"]["i8"] == "Int64" and values["dtypes"]["f8"] == "float64"
        assert values["dtypes"]["ts"].startswith("datetime64")
        assert values["ts"] == "2024-02-29 13:14:15.123456"
        assert values["tstz"].startswith("2024-02-29 11:14:15")
        assert values["d"] == "2024-02-29"
        assert values["null_i8"] == "<NA>" and values["null_txt"] is None
        await kc.close()

    run(go())


def test_100_000_rows_bind_completely(executor, kernel, warehouse):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        ok(await run_cell(kc, "select * from orders order by id", "sql", connection=warehouse, variable="orders"))
        check = ok(await run_cell(kc, "print(len(orders), int(orders['id'].sum()), orders['customer'].iloc[-1], str(orders['placed'].dtype))"))
        count, total, last, dtype = check.stream().split()
        assert (count, total, last) == ("100000", str(sum(range(1, 100001))), "c0"), check.stream()
        assert dtype.startswith("datetime64"), dtype
        leftovers = list((executor.home / "var" / "tmp").glob("*")) if (executor.home / "var" / "tmp").exists() else []
        assert leftovers == [], leftovers
        await kc.close()

    run(go())


def test_database_errors_come_back_as_error_outputs(executor, kernel, warehouse):
    async def go():
        kc = await open_kernel(executor, kernel["id"])
        syntax = error_of(await run_cell(kc, "selec 1", "sql", connection=warehouse))
        assert "syntax error" in syntax["evalue"] and "42601" in syntax["evalue"]
        missing = error_of(await run_cell(kc, "select * from no_such_table", "sql", connection=warehouse))
        assert "no_such_table" in missing["evalue"]
        two = error_of(await run_cell(kc, "select 1; select 2", "sql", connection=warehouse))
        assert "multiple commands" in two["evalue"]
        command = ok(await run_cell(kc, "create temp table tt (x int)", "sql", connection=warehouse))
        assert command.result_text() == "CREATE TABLE"
        await kc.close()

    run(go())


def test_wrong_password_is_a_clear_error_without_the_password(executor, kernel, postgres):
    put_connection(executor, "badpw", {"type": "postgres", "url": f"postgres://postgres:wrong-Pass-99@127.0.0.1:{postgres.port}/postgres?sslmode=disable"})
    view = executor.request("GET", "/spin/v1/connections/badpw").json()
    assert "wrong-Pass-99" not in json.dumps(view) and view["secrets_set"] == ["password"]

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        err = error_of(await run_cell(kc, "select 1", "sql", connection="badpw"))
        assert "password authentication failed" in err["evalue"]
        assert "wrong-Pass-99" not in json.dumps(err)
        await kc.close()

    run(go())
    assert "wrong-Pass-99" not in executor.log_text() and PG_PASSWORD not in executor.log_text()


def test_a_placeholder_port_whose_value_is_not_a_port_is_a_clear_error_without_the_value(executor, kernel, postgres):
    # GREETING holds "hello from env": a value that cannot be a port, and that stands in
    # for a secret named by mistake; the error names the placeholder, never the value.
    put_connection(executor, "wrongport", {"type": "postgres", "host": "127.0.0.1", "port": "{{runtime_env:GREETING}}",
                                           "password": "{{runtime_env:PG_TEST_PASSWORD}}", "sslmode": "disable"})

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        err = error_of(await run_cell(kc, "select 1", "sql", connection="wrongport"))
        assert err["ename"] == "RuntimeEnvError" and "{{runtime_env:GREETING}}" in err["evalue"], err
        assert "port" in err["evalue"] and "hello from env" not in json.dumps(err)
        ok(await run_cell(kc, "select 1 as one", "sql", connection="warehouse"))
        await kc.close()

    run(go())
    assert "hello from env" not in executor.log_text()


def test_sqlite_relative_path_lives_under_the_data_folder(executor, kernel):
    put_connection(executor, "local-db", {"type": "sqlite", "path": "app/notes.db"})

    async def go():
        kc = await open_kernel(executor, kernel["id"])
        ok(await run_cell(kc, "create table if not exists notes (id integer, body text, score real, raw blob)", "sql", connection="local-db"))
        ok(await run_cell(kc, "insert into notes values (1, 'one', 1.5, x'00ff'), (2, null, 2, null)", "sql", connection="local-db"))
        result = ok(await run_cell(kc, "select * from notes order by id", "sql", connection="local-db", variable="notes"))
        schema = {f["name"]: f["type"] for f in result.of_type("execute_result")[0].content["data"]["application/vnd.dataresource+json"]["schema"]["fields"]}
        assert schema["id"] == "integer" and schema["score"] == "number" and schema["body"] == "string"
        check = ok(await run_cell(kc, "print(len(notes), notes['score'].tolist(), notes['raw'].iloc[0])"))
        assert check.stream().strip() == "2 [1.5, 2.0] b'\\x00\\xff'", check.stream()
        await kc.close()

    run(go())
    assert (executor.home / "var" / "data" / "app" / "notes.db").exists()
