"""Quality gates (quality/gx.py, quality/rules.py): suites derived from pipelines/schema.py
declarations plus domain rules, run by Great Expectations on Arrow-backed pandas."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.schema import Field, Table, staged_table
from quality import gx as qgx
from quality import rules as qr

POP = staged_table("population")
BIZ = staged_table("businesses")
AS_OF = date(2026, 1, 1)
WARDS = ["2025:26740", "2025:26737", "2025:26734"]  # stand-in dimension for the tests


def mst(stem: str) -> str:
    """A 10-digit MST with its check digit, computed here independently of the code under test."""
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    remainder = sum(int(d) * w for d, w in zip(stem, weights, strict=True)) % 11
    assert remainder != 0, "no valid code for this stem"
    return stem + str(10 - remainder)


def filler(f: Field):
    """A valid value for a required field the test does not care about (the schema grows), else null."""
    if not f.required:
        return None
    if f.allowed:
        return f.allowed[0]
    dtype = f.dtype if isinstance(f.dtype, pl.DataType) else f.dtype()
    if dtype == pl.Date:
        return date(2025, 1, 1)
    if dtype.is_numeric():
        return 1
    if dtype == pl.Boolean:
        return False
    return "x"


def frame_for(table: Table, n: int, **columns) -> pl.DataFrame:
    """``n`` rows with every declared column: given ones, lineage/required ones filled, others null."""
    base = {
        "record_key": [f"src@2025-06-30#{i + 1}" for i in range(n)],
        "source_id": ["src"] * n,
        "extract_date": [date(2025, 6, 30)] * n,
        "source_file": ["pop.csv"] * n,
        "source_key": [str(i + 1) for i in range(n)],
        "run_id": ["test"] * n,
        "ward_status": ["exact"] * n,
        "ward_confidence": [1.0] * n,
    }
    base.update(columns)
    data = {f.name: base.get(f.name) or [filler(f)] * n for f in table.fields}
    return table.cast(pl.DataFrame(data, schema={f.name: f.dtype for f in table.fields}, strict=False))


def good_population(n: int = 12) -> pl.DataFrame:
    return frame_for(
        POP,
        n,
        full_name=[f"Người {i}" for i in range(n)],
        date_of_birth=[date(1950 + i, 1 + i % 12, 1 + i) for i in range(n)],
        sex=["M" if i % 2 else "F" for i in range(n)],
        new_uid=[WARDS[i % len(WARDS)] for i in range(n)],
    )


POP_RULES = [qr.ward_in_dimension(WARDS), qr.age_range("date_of_birth", as_of=AS_OF)]


@pytest.fixture(scope="module", autouse=True)
def gx_loaded():
    """GX's import is slow: pay it once for the module."""
    qgx._gx()


def keys(outcome: qr.Outcome) -> list[str]:
    return [k["record_key"] for k in outcome.examples]


def only(result: qgx.GateResult, **kw) -> qr.Outcome:
    found = result.failed(**kw)
    assert len(found) == 1, result.summary()
    return found[0]


def test_declared_suite_covers_the_declaration():
    suite = qgx.suite_for(POP)
    by_rule = {}
    for e in suite:
        by_rule.setdefault(e.rule, []).extend(e.columns)
    assert by_rule["exists"] == POP.columns
    assert set(by_rule["required"]) == {f.name for f in POP.fields if f.required}
    assert set(by_rule["allowed"]) == {f.name for f in POP.fields if f.allowed is not None}
    assert by_rule["primary_key"] == ["record_key"]
    compound = qgx.suite_for(Table("t", "", POP.fields[:2], ("record_key", "source_id")))
    assert [e.gx_type for e in compound if e.rule == "primary_key"] == ["ExpectCompoundColumnsToBeUnique"]


def test_gate_passes_on_good_data(tmp_path):
    result = qgx.validate(POP, good_population(), rules=POP_RULES, docs_dir=tmp_path / "docs")
    assert result.passed, result.summary()
    assert {o.engine for o in result.outcomes} == {"gx", "polars"}
    assert (tmp_path / "docs" / "index.html").is_file()
    assert result.docs_index == tmp_path / "docs" / "index.html"
    validation_pages = list((tmp_path / "docs" / "validations").rglob("*.html"))
    assert validation_pages, "Data Docs has no validation page"
    gate = json.loads((tmp_path / "docs" / "gate.json").read_text())
    assert gate["passed"] is True and gate["rows"] == 12


def test_each_violation_names_expectation_and_rows(tmp_path):
    bad = good_population(12).with_row_index("i")
    secret = "Trần Bí Mật"
    bad = bad.with_columns(
        full_name=pl.when(pl.col("i") == 1).then(None).otherwise(pl.col("full_name")),  # required
        sex=pl.when(pl.col("i") == 2).then(pl.lit(secret)).otherwise(pl.col("sex")),  # allowed
        new_uid=pl.when(pl.col("i") == 3).then(pl.lit("2025:99999")).otherwise(pl.col("new_uid")),  # dimension
        date_of_birth=pl.when(pl.col("i") == 4).then(pl.lit(date(1895, 6, 1))).otherwise(pl.col("date_of_birth")),
    ).drop("i")
    bad = pl.concat([bad, bad.slice(6, 1)])  # duplicate record key of row 7
    result = qgx.validate(POP, bad, rules=POP_RULES, docs_dir=tmp_path / "docs")
    assert not result.passed
    null = only(result, rule="required")
    assert (null.name, null.columns, null.unexpected_count) == (
        "expect_column_values_to_not_be_null",
        ("full_name",),
        1,
    )
    assert keys(null) == ["src@2025-06-30#2"]
    allowed = only(result, rule="allowed")
    assert allowed.columns == ("sex",) and keys(allowed) == ["src@2025-06-30#3"]
    ward = only(result, rule="ward_in_dimension")
    assert ward.columns == ("new_uid",) and keys(ward) == ["src@2025-06-30#4"]
    age = only(result, rule="age_range")  # 130 years old on AS_OF
    assert age.columns == ("date_of_birth",) and keys(age) == ["src@2025-06-30#5"]
    dup = only(result, rule="primary_key")
    assert dup.name == "expect_column_values_to_be_unique" and dup.unexpected_count == 2
    assert keys(dup) == ["src@2025-06-30#7", "src@2025-06-30#7"]
    assert len(result.failures) == 5, result.summary()
    # reports name expectation, column and record keys, but never a checked value
    text = result.summary()
    assert (
        "expect_column_values_to_be_in_set(sex) [allowed]: 1 of 13 rows unexpected at record_key=src@2025-06-30#3"
        in text
    )
    written = (tmp_path / "docs" / "gate.json").read_text() + "".join(
        p.read_text() for p in (tmp_path / "docs").rglob("*.html")
    )
    for value in ("1895", "99999", secret, json.dumps(secret)[1:-1]):
        assert value not in text
    for value in ("1895-06-01", "2025:99999", secret, json.dumps(secret)[1:-1]):
        assert value not in written


def test_age_130_from_an_age_column_and_at_the_boundary():
    ages = pl.DataFrame({"k": ["a", "b", "c", "d"], "age": [0, 120, 130, -1]})
    table = Table("t", "", (Field("k", pl.String, "", required=True), Field("age", pl.Int64, "")), ("k",))
    result = qgx.validate(table, ages, rules=[qr.age_range("age")])
    age = only(result, rule="age_range")
    assert [k["k"] for k in age.examples] == ["c", "d"]
    # birthday not yet reached on as_of: still 120
    dob = pl.DataFrame({"d": [date(1905, 1, 2), date(1905, 1, 1), date(1904, 12, 31)]})
    got = dob.select(qr.age_years(pl.col("d"), date(2025, 1, 1))).to_series().to_list()
    assert got == [119, 120, 120]


def test_mst_check_digit_rule():
    good = [mst("010010910"), mst("031234567"), mst("031234567") + "-001", "079123456789", None]
    assert good[0] == "0100109106"  # worked by hand: 114 mod 11 = 4, 10 - 4 = 6
    wrong_digit = good[0][:9] + "7"
    # stem whose remainder is 0: no valid code at all
    no_code = next(
        s
        for s in (f"03{i:07d}" for i in range(1000))
        if sum(int(d) * w for d, w in zip(s, (31, 29, 23, 19, 17, 13, 7, 5, 3), strict=True)) % 11 == 0
    )
    codes = [*good, wrong_digit, no_code + "0", "12345"]
    frame = frame_for(BIZ, len(codes), business_name=["Cơ sở"] * len(codes), tax_code=codes)
    result = qgx.validate(BIZ, frame, rules=[qr.mst_check_digit("tax_code")])
    bad = only(result, rule="mst_check_digit")
    assert bad.columns == ("tax_code",) and bad.unexpected_count == 3
    assert keys(bad) == ["src@2025-06-30#6", "src@2025-06-30#7", "src@2025-06-30#8"]
    strict = qgx.validate(BIZ, frame, rules=[qr.mst_check_digit("tax_code", allow_personal_id=False)])
    assert "src@2025-06-30#4" in keys(only(strict, rule="mst_check_digit"))


def test_chunks_report_global_rows_and_catch_duplicates_across_chunks():
    frame = good_population(12)
    frame = pl.concat([frame, frame.slice(0, 1)])  # row 12 repeats row 0's key, in another chunk
    frame = frame.with_columns(sex=pl.when(pl.int_range(pl.len()) == 9).then(pl.lit("?")).otherwise(pl.col("sex")))
    result = qgx.validate(POP, frame, rules=POP_RULES, chunk_rows=5, key_columns=())
    assert result.chunks == 3
    assert only(result, rule="allowed").examples == ({"row": 9},)
    dup = only(result, rule="primary_key")
    assert dup.engine == "polars" and dup.examples == ({"row": 0}, {"row": 12})
    by_part = qgx.validate(POP, frame, rules=POP_RULES, partition_by="new_uid", key_columns=())
    assert by_part.chunks == 3 and only(by_part, rule="allowed").examples == ({"row": 9},)
    assert only(by_part, rule="primary_key").unexpected_count == 2


def test_missing_column_and_wrong_dtype():
    frame = good_population(4).drop("phone").with_columns(pl.col("ward_confidence").cast(pl.Float32))
    result = qgx.validate(POP, frame)
    assert only(result, rule="exists").columns == ("phone",)
    dtype = only(result, rule="dtype")
    assert dtype.columns == ("ward_confidence",) and "Float32" in dtype.detail


def test_cross_table_invariants():
    people = pl.DataFrame({"entity_id": ["P1", "P2", "P3", "P4"], "new_uid": ["2025:1", "2025:1", "2025:2", None]})
    summary = pl.DataFrame({"ward_uid": ["2025:1", "2025:2", None], "people": [2, 1, 1]})
    ok = qr.aggregate_equals("ward_people", summary, "ward_uid", "people", people, "new_uid")
    assert ok.success, ok.describe()
    off = summary.with_columns(people=pl.Series([2, 2, 1]))
    missing = summary.filter(pl.col("ward_uid").ne_missing("2025:1"))
    bad = qr.aggregate_equals("ward_people", off, "ward_uid", "people", people, "new_uid")
    assert not bad.success and bad.examples == ({"ward_uid": "2025:2"},)
    gone = qr.aggregate_equals("ward_people", missing, "ward_uid", "people", people, "new_uid")
    assert gone.examples == ({"ward_uid": "2025:1"},)
    assert qr.totals_equal("city_people", {"ward_summary": 4, "export": 4}).success
    assert not qr.totals_equal("city_people", {"ward_summary": 4, "export": 3}).success
    # invariants count for the gate they are attached to
    result = qgx.validate(POP, good_population(3), checks=[bad])
    assert not result.passed and result.failures == [bad]


def test_publish_gated_swaps_only_when_passed(tmp_path):
    published = tmp_path / "t.parquet"
    good_population(3).write_parquet(published)
    before = published.read_bytes()

    def attempt(frame: pl.DataFrame) -> qgx.GateResult:
        aside = tmp_path / "t.parquet.new"
        return qgx.publish_gated(
            write_aside=lambda: (frame.write_parquet(aside), aside)[1],
            validate=lambda p: qgx.validate(POP, pl.read_parquet(p)),
            swap_in=lambda p: p.replace(published),
            discard=lambda p: p.unlink(),
        )

    broken = good_population(5).with_columns(sex=pl.lit("Z"))
    with pytest.raises(qgx.GateFailed) as err:
        attempt(broken)
    assert err.value.result.failed(rule="allowed")[0].unexpected_count == 5
    assert "expect_column_values_to_be_in_set(sex)" in str(err.value) and "'Z'" not in str(err.value)
    assert published.read_bytes() == before and not (tmp_path / "t.parquet.new").exists()
    assert attempt(good_population(5)).passed
    assert pl.read_parquet(published).height == 5


def test_gate_metadata_is_plain():
    result = qgx.validate(POP, good_population(2))
    meta = result.metadata()
    json.dumps(meta)
    assert meta["gate_passed"] is True and meta["expectations"] == len(result.outcomes) and meta["data_docs"] is None


# One fresh process for the three import tests below (GX's import, several CPU seconds, paid once, not twice): it
# imports quality.gx (line 1: GX not imported), imports GX with preload() called twice, in the background (line 2),
# then reads which modules GX's import left deferred (line 3) and uses them (line 4).
_IMPORTS = """
import sys

import quality.gx as g

print("great_expectations" in sys.modules)
g.preload()
g.preload()
t = g._preloading
t.join(120)
print(not t.is_alive(), "great_expectations" in sys.modules, g._gx()[0].__name__)
print(
    *(type(sys.modules[m]).__name__ for m in ("altair", "scipy.stats")),
    "altair.vegalite" in sys.modules,
    "scipy.stats._stats_py" in sys.modules,
)
import great_expectations.expectations.core.expect_column_kl_divergence_to_be_less_than as kl
from scipy import stats
from scipy.stats import entropy

print(
    round(kl.stats.entropy([0.5, 0.5], [0.25, 0.75]), 6),
    stats.entropy is entropy,
    type(sys.modules["scipy.stats"]).__name__,
    kl.alt.Chart.__name__,
    type(sys.modules["altair"]).__name__,
)
"""


@pytest.fixture(scope="module")
def imports_in_a_fresh_process() -> tuple[list[str], str]:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _IMPORTS], capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=300
    )
    return out.stdout.splitlines() + [""] * 4, out.stderr


def test_importing_quality_gx_does_not_import_gx(imports_in_a_fresh_process):
    lines, stderr = imports_in_a_fresh_process
    assert lines[0] == "False", stderr


def test_empty_frame_passes_and_a_rule_on_a_missing_column_fails():
    empty = good_population(0)
    assert qgx.validate(POP, empty, rules=POP_RULES).passed
    result = qgx.validate(POP, good_population(3).drop("date_of_birth"), rules=POP_RULES)
    age = only(result, rule="age_range")
    assert age.unexpected_count is None and "date_of_birth" in age.error
    assert only(result, rule="exists").columns == ("date_of_birth",)


def test_domain_rules_attach_by_column():
    def names(table, **kw):
        return sorted((r.name, r.items[0].columns) for r in qr.domain_rules(table, **kw))

    assert names(POP, ward_uids=WARDS) == [("age_range", ("date_of_birth",)), ("ward_in_dimension", ("new_uid",))]
    assert names(POP) == [("age_range", ("date_of_birth",))]  # no dimension given: no ward rule
    assert ("mst_check_digit", ("tax_code",)) in names(BIZ)
    assert ("mst_check_digit", ("taxpayer_code",)) in names(staged_table("tax"))
    assert all(n != "mst_check_digit" for n, _ in names(BIZ, mst=False))


def test_a_session_shares_one_context_and_one_site_with_the_same_results(tmp_path):
    """Many tables in one GxSession: the per-table results equal separate calls, one Data Docs site lists all."""
    good = good_population(6)
    bad = good.with_columns(
        pl.when(pl.int_range(pl.len()) == 2).then(None).otherwise(pl.col("record_key")).alias("record_key")
    )
    docs = tmp_path / "run"
    with qgx.GxSession(docs) as session:
        in_session = [qgx.validate(POP, f, rules=POP_RULES, session=session) for f in (good, bad)]
        with pytest.raises(ValueError):
            qgx.validate(POP, good, docs_dir=tmp_path / "x", session=session)
    alone = [qgx.validate(POP, f, rules=POP_RULES) for f in (good, bad)]
    for s, a in zip(in_session, alone, strict=True):
        assert [o.as_dict() for o in s.outcomes] == [o.as_dict() for o in a.outcomes]
    assert in_session[0].passed and not in_session[1].passed
    assert in_session[1].failed(rule="required", column="record_key")[0].unexpected_count == 1
    assert all(r.docs_index == docs / "index.html" for r in in_session) and (docs / "index.html").is_file()
    # one site (one copy of the static assets) holding both validations; gate.json per table
    assert len(list(docs.rglob("static"))) == 1
    assert len(list((docs / "validations").rglob("*.html"))) == 2
    assert json.loads((docs / POP.name / "gate.json").read_text())["passed"] is True
    assert json.loads((docs / f"{POP.name}__2" / "gate.json").read_text())["passed"] is False


def test_session_validator_finishes_its_site_in_publish_marts(tmp_path):
    from pipelines.publish.store import PublishRejected, publish_marts

    validator = qgx.session_validator(tmp_path / "gx")
    bad = good_population(4).with_columns(pl.lit("x").alias("sex"))
    with pytest.raises(PublishRejected) as err:
        publish_marts(tmp_path / "wh", [(POP, bad)], [], validators=[validator], run_id="t")
    assert "allowed" in str(err.value) or "sex" in str(err.value)
    assert (tmp_path / "gx" / "index.html").is_file()  # the site is built although the gate failed
    assert not validator.results[POP.name].passed
    assert not (tmp_path / "wh" / "analytics.duckdb").exists()


def test_small_chunks_in_one_pass_give_the_same_outcomes_as_per_column_groups(monkeypatch):
    bad = good_population(12).with_row_index("i")
    bad = bad.with_columns(
        full_name=pl.when(pl.col("i") == 1).then(None).otherwise(pl.col("full_name")),
        new_uid=pl.when(pl.col("i") == 3).then(pl.lit("2025:99999")).otherwise(pl.col("new_uid")),
    ).drop("i")

    def outcomes() -> list[tuple]:
        result = qgx.validate(POP, bad, rules=POP_RULES)
        return sorted(
            (o.name, o.rule, o.columns, o.success, o.unexpected_count, tuple(keys(o))) for o in result.outcomes
        )

    one_pass = outcomes()  # 12 rows: under ONE_PASS_ROWS, the whole suite at once
    monkeypatch.setattr(qgx, "ONE_PASS_ROWS", 0)  # every chunk split into per-column groups
    assert outcomes() == one_pass
    assert sum(not o[3] for o in one_pass) == 2  # the check sees the failures it must compare


def test_the_gx_suite_of_every_mart_table_covers_its_declaration_check():
    """The marts are gated by GX alone: each constraint ``Table.validate`` checks is an expectation too."""
    from pipelines.schema import ANALYTICS_TABLES, RESTRICTED_TABLES

    for table in (*ANALYTICS_TABLES, *RESTRICTED_TABLES):
        suite = {(e.rule, e.columns) for e in qgx.suite_for(table)}
        for f in table.fields:
            assert ("exists", (f.name,)) in suite, (table.name, f.name)
            assert not f.required or ("required", (f.name,)) in suite, (table.name, f.name)
            assert f.allowed is None or ("allowed", (f.name,)) in suite, (table.name, f.name)
        if table.primary_key:
            assert ("primary_key", tuple(table.primary_key)) in suite, table.name
            # GX's uniqueness ignores nulls; Table.validate would count null keys as duplicates: not-null covers it
            assert all(f.required for f in table.fields if f.name in table.primary_key), table.name


def test_what_the_declaration_check_rejects_the_gx_gate_rejects():
    bad = good_population(12).with_row_index("i")
    bad = bad.with_columns(
        full_name=pl.when(pl.col("i") == 1).then(None).otherwise(pl.col("full_name")),
        sex=pl.when(pl.col("i") == 2).then(pl.lit("?")).otherwise(pl.col("sex")),
    ).drop("i")
    bad = pl.concat([bad, bad.slice(6, 1)])
    declared = POP.validate(bad)
    assert len(declared) == 3  # required, allowed, duplicate key
    result = qgx.validate(POP, bad)
    assert {o.rule for o in result.failures} >= {"required", "allowed", "primary_key"}


def test_preload_imports_gx_in_the_background_once(imports_in_a_fresh_process):
    lines, stderr = imports_in_a_fresh_process
    assert lines[1].split() == ["True", "True", "great_expectations"], stderr


def test_gx_import_defers_altair_and_scipy_stats_until_used(imports_in_a_fresh_process):
    """GX's import (_gx, here in preload()'s thread) leaves altair and scipy.stats (only for an expectation wardbridge
    never runs) unimported; the first attribute read imports the real module, for GX's own references too (the
    KL-divergence expectation's)."""
    lines, stderr = imports_in_a_fresh_process
    assert lines[2].split() == ["_Deferred", "_Deferred", "False", "False"], stderr
    assert lines[3].split() == ["0.143841", "True", "module", "Chart", "module"], stderr


# The preload thread's work replaced by C++ that releases the GIL and takes it back (DuckDB connections opened and
# dropped for 1 s): the process exits 0.1 s after preload(), as `wardbridge run` Ctrl-C'd in the marts exits ~1 s after
# it with GX's import still running.
_EXIT_WHILE_PRELOADING = """
import time

import duckdb

import quality.gx as g


def busy():
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        duckdb.connect(":memory:").close()


g._gx = busy
g.preload()
time.sleep(0.1)
raise SystemExit(130)
"""


def test_a_process_exiting_while_the_preload_thread_runs_is_not_aborted():
    """The preload thread was a daemon: still running when the interpreter finalized, it was ended by CPython with
    pthread_exit as it took the GIL back, from inside a C++ destructor (DuckDB's connection releases the GIL there),
    and the process died of SIGABRT, 'terminate called without an active exception' (8 of 8 with the daemon thread;
    `wardbridge run` died so after its Ctrl-C line in the fresh-clone CI at 2998061). Now the exit waits for it."""
    import subprocess
    import sys

    code = [sys.executable, "-c", _EXIT_WHILE_PRELOADING]
    out = subprocess.run(code, capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=120)
    assert out.returncode == 130, (out.returncode, out.stderr[-2000:])
    assert "terminate called" not in out.stderr


@pytest.mark.parametrize("order", ["sorted", "unsorted"])
def test_uniqueness_in_polars_counts_the_same_duplicates_as_gx(monkeypatch, order):
    """Above ONE_PASS_ROWS uniqueness runs in Polars (a sorted key is proven by comparing each row with the
    previous one): the same failing rows as GX's one-pass check, single and compound keys, sorted or not."""
    frame = good_population(12)
    frame = pl.concat([frame, frame.slice(4, 1), frame.slice(9, 1)])  # keys of rows 4 and 9 twice
    frame = frame.sort("record_key") if order == "sorted" else frame
    compound = Table("pop2", "", POP.fields, ("source_id", "record_key"))

    def failing(table: Table) -> list[tuple]:
        result = qgx.validate(table, frame, key_columns=())
        return [(o.rule, o.columns, o.unexpected_count, o.examples, o.engine) for o in result.failures]

    in_gx = {t.name: failing(t) for t in (POP, compound)}
    assert [f[:3] for f in in_gx[POP.name]] == [("primary_key", ("record_key",), 4)]
    assert [f[:3] for f in in_gx["pop2"]] == [("primary_key", ("source_id", "record_key"), 4)]
    monkeypatch.setattr(qgx, "ONE_PASS_ROWS", 0)  # as for a big table
    in_polars = {t.name: failing(t) for t in (POP, compound)}
    for name, found in in_gx.items():
        assert [f[:4] for f in in_polars[name]] == [f[:4] for f in found]  # same count and rows
        assert in_polars[name][0][4] == "polars" and found[0][4] == "gx"
    unique = qgx.validate(POP, frame.unique("record_key", keep="first", maintain_order=True), key_columns=())
    assert unique.passed, unique.summary()


def test_configuration_read_once_per_call_gives_gx_own_kwargs():
    """quality.gx replaces GX's _get_domain/_success/_runtime_kwargs (configuration read once per call, not per
    key): for expectations of every kind the gates use, and for runtime configurations with and without a result
    format, the replacements return exactly what GX's originals return."""
    _, gxe = qgx._gx()
    from great_expectations.expectations.expectation import Expectation

    originals = Expectation._wardbridge_originals
    expectations = [
        gxe.ExpectColumnValuesToNotBeNull(column="a", meta={"x": 1}),
        gxe.ExpectColumnValuesToBeInSet(column="a", value_set=["x", "y"], mostly=0.9),
        gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0, max_value=120, strict_max=True),
        gxe.ExpectColumnValuesToMatchRegex(
            column="c", regex="^[0-9]{5}$", row_condition="n>1", condition_parser="pandas"
        ),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["a", "b"]),
        gxe.ExpectColumnPairValuesToBeEqual(column_A="a", column_B="b"),
    ]
    runtimes = [
        None,
        {},
        {"result_format": "BASIC"},
        {"result_format": {"result_format": "SUMMARY", "unexpected_index_column_names": ["k"]}},
    ]
    for e in expectations:
        assert e._get_domain_kwargs() == originals["_get_domain_kwargs"](e)
        assert e._get_success_kwargs() == originals["_get_success_kwargs"](e)
        for runtime in runtimes:
            assert e._get_runtime_kwargs(runtime) == originals["_get_runtime_kwargs"](e, runtime)


def test_plain_values_converted_at_once_as_gx_converts_them():
    """quality.gx puts a fast path before GX's convert_to_json_serializable (None, str, int, bool and a float
    returned at once, NaN as None): for plain values, their subclasses, numpy scalars and containers holding them,
    the replacement returns what GX's original returns (same value, same type), and it is the function GX's metric
    ids (IDDict.to_id) and its util module call."""
    import math
    from decimal import Decimal
    from enum import IntEnum, StrEnum

    import numpy as np
    from great_expectations import util
    from great_expectations.core import id_dict

    qgx._gx()
    fast = util.convert_to_json_serializable
    assert fast._wardbridge_plain_first and id_dict.convert_to_json_serializable is fast
    original = fast._wardbridge_original

    class Level(IntEnum):
        LOW = 1

    class Colour(StrEnum):
        RED = "red"

    class Text(str):
        pass

    values = [
        None,
        "",
        "x",
        0,
        -7,
        2**70,
        True,
        False,
        1.5,
        -0.0,
        math.inf,
        -math.inf,
        math.nan,
        np.int64(3),
        np.int32(-2),
        np.float64(2.5),
        np.float64("nan"),
        np.float32(0.1),
        np.bool_(True),
        Level.LOW,
        Colour.RED,
        Text("t"),
        date(2025, 6, 30),
        Decimal("1.25"),
        (1, None),
        {1, 2},
        {"column": "a", "row_condition": None, "condition_parser": None, "n": 2, 3: [None, 1.0, math.nan]},
    ]
    for value in values:
        got, expected = fast(value), original(value)
        assert type(got) is type(expected), value
        assert got == expected or (got != got and expected != expected), value
    assert fast(math.nan) is None
    assert fast({"a": None, "b": [math.nan, "x"]}) == {"a": None, "b": [None, "x"]}


def _pages(docs: Path) -> dict[str, str]:
    """The Data Docs pages under ``docs`` with build times and the run's time folder taken out."""
    import re

    stamp = re.compile(r"\d{8}T\d{6}\.\d{6}Z|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?|_run_time_sort.: [0-9.]+")
    return {
        stamp.sub("T", str(p.relative_to(docs))): stamp.sub("T", p.read_text(encoding="utf-8"))
        for p in docs.rglob("*.html")
        if "static" not in p.parts
    }


def test_data_docs_views_share_one_environment_per_kind(tmp_path, monkeypatch):
    """Data Docs views of one class and the same custom directories share one jinja Environment (the templates
    loaded once a process, not once a view); another class, or a view with its own custom styles, has its own. Pages
    built with the shared Environments are those built with one Environment per view (GX's own way)."""
    from great_expectations.render.view import view

    qgx._gx()
    page, again, index = view.DefaultJinjaPageView(), view.DefaultJinjaPageView(), view.DefaultJinjaIndexPageView()
    assert page.env is again.env and index.env is not page.env
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "data_docs_custom_styles.css").write_text("td { color: teal }", encoding="utf-8")
    custom = view.DefaultJinjaPageView(custom_styles_directory=str(styles))
    assert custom.env is not page.env
    assert "teal" in custom.env.get_template("data_docs_custom_styles.css").render()
    assert "data_docs_custom_styles.css" not in page.env.list_templates()

    bad = good_population().with_columns(pl.lit("X").alias("sex"))
    for name, frame in (("good", good_population()), ("bad", bad)):
        shared = qgx.validate(POP, frame, rules=POP_RULES, docs_dir=tmp_path / name / "shared", run_name="r")
        with monkeypatch.context() as m:  # GX's own: an Environment per view
            m.setattr(view.DefaultJinjaView, "__init__", view.DefaultJinjaView._wardbridge_own_environment)
            own = qgx.validate(POP, frame, rules=POP_RULES, docs_dir=tmp_path / name / "own", run_name="r")
        assert shared.passed == own.passed == (name == "good")
        pages = _pages(tmp_path / name / "shared")
        assert len(pages) == 3 and pages == _pages(tmp_path / name / "own")


def test_stored_validation_results_are_gx_own_strings(tmp_path, monkeypatch):
    """quality.gx writes a stored validation result (what Data Docs read back) with one json.dumps of GX's
    to_json_dict: the same string as GX's ValidationResultsStore.serialize (which dumps the dump again), for a
    passing gate, a failing one with record keys as examples and one with row indices."""
    qgx._gx()
    store_class = type(qgx._new_context().validation_results_store)  # GX's ValidationResultsStore, as the gates use it
    ours = store_class.serialize
    original = ours._wardbridge_original
    compared: list[bool] = []

    def both(self, value):  # noqa: ANN001, ANN202
        got = ours(self, value)
        compared.append(got == original(self, value))
        return got

    monkeypatch.setattr(store_class, "serialize", both)
    good = good_population(8)
    bad = good.with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("2025:99999")).otherwise(pl.col("new_uid")).alias("new_uid"),
        pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise(pl.col("full_name")).alias("full_name"),
    )
    results = [
        qgx.validate(POP, good, rules=POP_RULES, docs_dir=tmp_path / "good"),
        qgx.validate(POP, bad, rules=POP_RULES, docs_dir=tmp_path / "bad"),
        qgx.validate(POP, bad, rules=POP_RULES, docs_dir=tmp_path / "rows", key_columns=()),
    ]
    assert [r.passed for r in results] == [True, False, False]
    assert results[1].failures[0].examples and "row" in results[2].failures[0].examples[0]
    assert compared and all(compared)
