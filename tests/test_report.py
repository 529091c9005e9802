"""The consolidation report (pipelines/report, assets/report.py) on the sample's marts, in a real headless Chromium.

The sample runs through the real jobs once (tests/marts_fixture.py, shared with the marts tests); the
report job then runs twice through Dagster (two runs: a trend). The page is loaded in Debian's
Chromium (``--dump-dom``: the DOM after the inline script ran; ``--screenshot``: a PNG) and every
figure read from the data-* attributes is compared with a query of analytics.duckdb.
Without Chromium the browser tests skip, except under CI (env CI set), where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.definitions import defs
from assets.resources import WarehouseResource
from pipelines.report import write_report
from pipelines.report.history import HISTORY, read_history
from pipelines.report.inputs import GATES_DIR, ReportInputError, latest_gates_dir
from tests.marts_fixture import sample_marts

SECTIONS = ("summary", "map", "wards", "origins", "duplicates", "review", "gates")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed (.ci/run installs Debian's package 'chromium')")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def browse(page: Path, profile: Path, *args: str) -> str:
    """Open ``page`` in headless Chromium with ``args`` (``--dump-dom`` or ``--screenshot=...``); its stdout."""
    done = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "tr":
            self._row = a
        elif tag == "td" and (figures := {k: v for k, v in a.items() if k.startswith("data-")}):
            # a figure cell: its number and the text it shows go onto its row ("shown-<name>")
            self._row.update(figures)
            self._cell = [f"shown-{k[5:]}" for k in figures]

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "td":
            self._cell = []

    def handle_data(self, data):  # noqa: ANN001
        self.text.append(data)
        for key in getattr(self, "_cell", []):
            self._row[key] = self._row.get(key, "") + data

    def find(self, tag: str | None = None, **attrs: str) -> list[dict[str, str]]:
        """Elements with tag and attributes (``class_`` matches one class; ``x=None``-less: exact values)."""
        out = []
        for name, a in self.tags:
            if tag and name != tag:
                continue
            cls = attrs.get("class_")
            if cls and cls not in a.get("class", "").split():
                continue
            if all(a.get(k.replace("_", "-")) == v for k, v in attrs.items() if k != "class_"):
                out.append(a)
        return out


def query(root: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(root / "analytics.duckdb"), read_only=True) as con:
        return con.sql(sql).pl()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    source, results = sample_marts(tmp_path_factory.getbasetemp())
    assert results["wardbridge_marts"].success
    marts_run = results["wardbridge_marts"].dagster_run.run_id
    root = tmp_path_factory.mktemp("report_wh")  # own warehouse: the report writes reports/ and history/
    shutil.copytree(source / GATES_DIR / marts_run, root / GATES_DIR / marts_run)
    shutil.copy2(source / "analytics.duckdb", root / "analytics.duckdb")
    job = defs.resolve_job_def("wardbridge_report")
    resources = {"warehouse": WarehouseResource(path=str(root))}
    instance = dg.DagsterInstance.ephemeral()
    runs = [job.execute_in_process(instance=instance, resources=resources) for _ in range(2)]
    return {
        "source": source,
        "root": root,
        "runs": runs,
        "marts_run": marts_run,
        "profile": tmp_path_factory.mktemp("chromium"),
    }


@pytest.fixture(scope="module")
def dom(built: dict) -> Elements:
    return Elements(browse(built["root"] / "reports" / "latest.html", built["profile"], "--dump-dom"))


def test_asset_writes_the_report_and_links_it(built: dict):
    root, runs = built["root"], built["runs"]
    assert all(r.success for r in runs)
    mats = [r.asset_materializations_for_node("consolidation_report")[0] for r in runs]
    last = mats[-1].metadata
    page = Path(last["report"].value)
    assert page == root / "reports" / runs[-1].dagster_run.run_id / "consolidation.html"
    assert last["report_url"].value == page.as_uri()
    assert page.read_bytes() == (root / "reports" / "latest.html").read_bytes()
    assert Path(mats[0].metadata["report"].value).is_file()  # the first run's page stays
    history = read_history(root / HISTORY)
    assert history["run_id"].unique().sort().to_list() == sorted(r.dagster_run.run_id for r in runs)
    assert last["figures"].value["runs_in_history"] == 2
    # the asset found the marts run's gate results without a marts run in its instance (fallback: newest passed)
    assert latest_gates_dir(root) == root / GATES_DIR / built["marts_run"]
    assert last["figures"].value["gate_tables"] == len(
        list((root / GATES_DIR / built["marts_run"]).glob("*/gate.json"))
    )


def test_page_is_self_contained_utf8_and_private(built: dict):
    markup = (built["root"] / "reports" / "latest.html").read_text(encoding="utf-8")
    assert markup.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in markup
    assert "Thành phố Hồ Chí Minh" in markup
    for outside in (r"<link\b", r"<script[^>]*\bsrc=", r"<img\b", r"url\(", r"@import", r"https?://"):
        assert not re.search(outside, markup, re.IGNORECASE), outside
    # no personal value of the restricted marts appears anywhere
    source = built["source"]
    with duckdb.connect(str(source / "restricted.duckdb"), read_only=True) as con:
        people = con.sql("SELECT full_name, personal_id, phone FROM entities.people_entities").pl()
        firms = con.sql("SELECT business_name, tax_code, owner_name FROM entities.businesses_entities").pl()
    values = {v for frame in (people, firms) for col in frame.columns for v in frame[col].drop_nulls() if len(v) >= 8}
    assert len(values) > 1000
    # every value that occurs in the markup (Aho-Corasick, overlapping matches: a value inside another one is found
    # too), the same set as [v for v in values if v in markup] in ~0.03 s instead of ~1.9 s for ~24k values
    found = pl.Series([markup]).str.extract_many(sorted(values), overlapping=True).explode().drop_nulls()
    leaked = sorted(set(found))
    assert not leaked, f"{len(leaked)} personal values in the report"


def test_renders_sections_map_and_charts(built: dict, dom: Elements):
    assert dom.find("html", data_rendered="1"), "the inline script did not run"
    assert [s["data-section"] for s in dom.find("section")] == list(SECTIONS)
    wards = query(built["root"], "SELECT unit_uid FROM marts.dim_ward_2025")["unit_uid"].to_list()
    marks = dom.find("circle", class_="ward-mark")
    assert len(marks) == 168 == len(wards)
    assert sorted(m["data-uid"] for m in marks) == sorted(wards)
    assert all(m["r"] == m["data-r-records"] for m in marks)  # the script set the default mode
    zoomed = dom.find("circle", class_="ward-zoom")  # the magnified centre repeats some wards with the same data
    by_uid = {m["data-uid"]: m for m in marks}
    assert 0 < len(zoomed) < 168
    assert all(by_uid[z["data-uid"]]["data-records"] == z["data-records"] for z in zoomed)
    charts = {s["id"]: s for s in dom.find("svg", class_="chart")}
    assert set(charts) == {"ward-map", "chart-top-wards", "chart-duplicates", "chart-trend"}
    assert len(dom.find("g", class_="bar")) == 15
    assert len(dom.find("circle", data_series="cách ly (quarantined)")) == 2  # one point per run
    assert len(dom.find("svg", class_="spark")) > 0  # per-ward trends (two runs)


def test_numbers_equal_the_marts(built: dict, dom: Elements):
    root = built["root"]
    summary = query(root, "SELECT * FROM marts.ward_summary").rows_by_key("new_uid", named=True, unique=True)
    rows = dom.find("tr", class_="ward-row")
    assert len(rows) == 168
    for row in rows:
        want = summary[row["data-uid"]]
        names = ("records_in", "merged", "quarantined", "under_review", "under_review_estimated", "people_estimated")
        got = {k: int(row[f"data-{k.replace('_', '-')}"]) for k in names}
        assert got == {k: want[k] for k in got}
        # the text a reader sees is the same number (Vietnamese thousands separator)
        assert row["shown-records-in"] == f"{want['records_in']:,}".replace(",", ".")
    for mark in dom.find("circle", class_="ward-mark"):
        want = summary[mark["data-uid"]]
        assert (int(mark["data-records"]), int(mark["data-review"])) == (want["records_in"], want["under_review"])
    for row in dom.find("tr", class_="review-row"):
        assert int(row["data-review"]) == summary[row["data-uid"]]["under_review"]
    assert dom.find("p", id="queue-source", data_source="ward_summary")  # no queue summary in this warehouse

    totals = query(
        root,
        "SELECT sum(raw) raw, sum(merged) merged, sum(quarantined) q, sum(under_review) u FROM marts.flow_accounting",
    ).row(0)
    cards = {c["data-measure"]: c["data-value"] for c in dom.find("div", class_="card")}
    assert tuple(int(cards[m]) for m in ("raw", "merged", "quarantined", "under_review")) == totals
    for kind, registry in (("people", "population"), ("households", "households"), ("businesses", "businesses")):
        records, entities = query(root, f"SELECT sum(record_count), count(*) FROM marts.{kind}").row(0)
        (row,) = dom.find("tr", class_="dup-row", data_registry=registry)
        assert (int(row["data-records"]), int(row["data-entities"])) == (records, entities)
        assert int(row["data-duplicates"]) == records - entities
    # tax records are filings (one per period): shown as filings per taxpayer, never as duplicates or a share
    records, entities = query(root, "SELECT sum(record_count), count(*) FROM marts.taxpayers").row(0)
    (row,) = dom.find("tr", class_="dup-row", data_registry="tax")
    assert (int(row["data-records"]), int(row["data-entities"])) == (records, entities) and records > entities
    assert row["data-duplicates"] == "" and row["shown-duplicates"] == "–"
    assert row["data-filings-per-entity"] == f"{int(records) / int(entities):.2f}"
    shown = row["shown-filings-per-entity"]
    assert "filings per taxpayer" in shown and "%" not in shown
    unplaced = query(root, "SELECT old_uid, still_unplaced FROM marts.old_unit_reconciliation WHERE still_unplaced > 0")
    got = {r["data-old"]: int(r["data-still-unplaced"]) for r in dom.find("tr", class_="unplaced-row")}
    assert got == dict(unplaced.iter_rows())
    flows = query(root, "SELECT count(*) FROM marts.old_unit_flows").item()
    assert len(dom.find("tr", class_="flow-row")) == flows

    gates = list((root / GATES_DIR / built["marts_run"]).glob("*/gate.json"))
    rows = dom.find("tr", class_="gate-row")
    assert sorted(r["data-table"] for r in rows) == sorted(p.parent.name for p in gates)
    assert all(r["data-passed"] == "1" for r in rows)


def test_screenshot(built: dict):
    shot = built["root"] / "report.png"
    browse(
        built["root"] / "reports" / "latest.html", built["profile"], f"--screenshot={shot}", "--window-size=1280,2600"
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000  # a drawn page, not a blank one


def test_queue_summary_drives_review_figures_and_text_is_escaped(built: dict, tmp_path: Path):
    root = tmp_path / "wh"
    shutil.copytree(built["root"] / GATES_DIR, root / GATES_DIR)
    shutil.copy2(built["root"] / "analytics.duckdb", root / "analytics.duckdb")
    hostile = '<script>document.title="x"</script><u onmouseover=1>'
    queue = pl.DataFrame(
        {
            "new_uid": ["2025:27154", "2025:27154", "2025:27019", None, "2025:27019"],
            "kind": ["split_unit", "match_pair", hostile, "unresolved_address", "split_unit"],
            "open_items": [5, 2, 7, 4, 3],
            "records_blocked": [50, 4, 9, 4, 30],
            "closed_items": [1, 0, 0, 0, 0],
            "candidate": [False, False, False, False, True],
        }
    )
    (root / "review").mkdir()
    queue.write_parquet(root / "review" / "queue_summary.parquet")
    result = write_report(root, "cli-queue")
    assert result.summary["review_source"] == "review/queue_summary.parquet"
    dom = Elements(browse(result.path, tmp_path / "profile", "--dump-dom"))
    assert dom.find("html", data_rendered="1")
    assert len(dom.find("script")) == 1 and not dom.find("u")  # the hostile kind stayed text
    assert hostile in "".join(dom.text)
    marks = {m["data-uid"]: int(m["data-review"]) for m in dom.find("circle", class_="ward-mark")}
    assert (marks["2025:27154"], marks["2025:27019"], marks["2025:27028"]) == (7, 10, 0)  # own + candidate items
    kinds = {r["data-kind"]: (int(r["data-open"]), int(r["data-candidate"])) for r in dom.find("tr", class_="kind-row")}
    assert kinds == {"split_unit": (5, 3), "match_pair": (2, 0), hostile: (7, 0), "unresolved_address": (4, 0)}
    assert dom.find("p", id="queue-source", data_source="queue_summary")
    city = read_history(result.history).filter(pl.col("new_uid").is_null() & (pl.col("measure") == "open_review"))
    assert city["value"].to_list() == [18]  # items with a ward or none; candidate rows not counted twice


def test_queue_totals_count_candidate_only_items_once_city_wide(built: dict, tmp_path: Path):
    root = tmp_path / "wh"
    shutil.copytree(built["root"] / GATES_DIR, root / GATES_DIR)
    shutil.copy2(built["root"] / "analytics.duckdb", root / "analytics.duckdb")
    (root / "review").mkdir()
    # 3 split items only with candidate wards (each in two wards' rows), 1 closed; 2 match pairs closed
    pl.DataFrame(
        {
            "new_uid": ["2025:27154", "2025:27139", "2025:27154", "2025:27139", "2025:27154"],
            "kind": ["split_unit", "split_unit", "split_unit", "split_unit", "match_pair"],
            "open_items": [3, 3, 0, 0, 1],
            "records_blocked": [40, 40, 0, 0, 2],
            "closed_items": [0, 0, 1, 1, 0],
            "candidate": [True, True, True, True, True],
        }
    ).write_parquet(root / "review" / "queue_summary.parquet")
    pl.DataFrame(
        {
            "kind": ["split_unit", "match_pair", "invalid_id"],
            "open_items": [3, 1, 0],
            "records_blocked": [40, 2, 0],
            "closed_items": [1, 2, 0],
        }
    ).write_parquet(root / "review" / "queue_totals.parquet")
    result = write_report(root, "cli-totals")
    dom = Elements(browse(result.path, tmp_path / "profile", "--dump-dom"))
    (table,) = dom.find("table", id="queue-kinds")
    assert table["data-scope"] == "city"
    got = {
        r["data-kind"]: tuple(int(r[f"data-{c}"]) for c in ("open", "candidate", "blocked", "closed"))
        for r in dom.find("tr", class_="kind-row")
    }
    assert got == {"split_unit": (3, 6, 40, 1), "match_pair": (1, 1, 2, 2), "invalid_id": (0, 0, 0, 0)}
    # failure path: a totals file without its columns names the file and the columns
    pl.DataFrame({"kind": ["split_unit"]}).write_parquet(root / "review" / "queue_totals.parquet")
    with pytest.raises(ReportInputError, match=r"queue_totals\.parquet: missing column\(s\) open_items"):
        write_report(root, "cli-totals-bad")


def test_match_pair_items_show_the_record_pairs_they_hold(built: dict, tmp_path: Path):
    """match_pair items are pairs of entities (HA5): the report says how many record pairs the open ones hold, from
    queue_totals.open_record_pairs; a totals file written before that column says nothing of it."""
    root = tmp_path / "wh"
    shutil.copytree(built["root"] / GATES_DIR, root / GATES_DIR)
    shutil.copy2(built["root"] / "analytics.duckdb", root / "analytics.duckdb")
    (root / "review").mkdir()
    pl.DataFrame(
        {
            "new_uid": ["2025:27154"],
            "kind": ["match_pair"],
            "open_items": [2],
            "records_blocked": [5],
            "closed_items": [0],
            "candidate": [False],
        }
    ).write_parquet(root / "review" / "queue_summary.parquet")
    totals = pl.DataFrame(
        {
            "kind": ["match_pair", "split_unit"],
            "open_items": [2, 0],
            "records_blocked": [5, 0],
            "closed_items": [0, 0],
            "open_record_pairs": [3, None],
        },
        schema_overrides={"open_record_pairs": pl.UInt32},
    )
    totals.write_parquet(root / "review" / "queue_totals.parquet")
    page = write_report(root, "cli-record-pairs").path.read_text(encoding="utf-8")
    assert 'id="match-record-pairs" data-record-pairs="3"' in page
    totals.drop("open_record_pairs").write_parquet(root / "review" / "queue_totals.parquet")
    assert "match-record-pairs" not in write_report(root, "cli-record-pairs-old").path.read_text(encoding="utf-8")


def test_rerun_of_a_run_replaces_its_history_rows(built: dict, tmp_path: Path):
    root = tmp_path / "wh"
    root.mkdir()
    shutil.copy2(built["root"] / "analytics.duckdb", root / "analytics.duckdb")
    first = read_history(write_report(root, "cli-a").history).height
    write_report(root, "cli-a")
    assert read_history(root / HISTORY).height == first
    write_report(root, "cli-b")
    assert read_history(root / HISTORY).height == 2 * first


def test_a_report_written_from_python_under_umask_022_gets_the_documented_modes(built: dict, tmp_path: Path):
    """write_report called from Python without private_umask() (a shell's umask 022): its files are 0640 and its
    folders 0750 as docs/guide/querying.md's table says, and the caller's umask is put back. Before, 0644 in 0755."""
    root = tmp_path / "wh"
    root.mkdir()
    shutil.copy2(built["root"] / "analytics.duckdb", root / "analytics.duckdb")
    old = os.umask(0o022)
    try:
        result = write_report(root, "cli-modes")
        assert os.umask(0o022) == 0o022  # the caller's umask, back after the call
    finally:
        os.umask(old)
    made = [root / "reports", result.path.parent, root / "history", result.path, result.latest, result.history]
    modes = {str(p.relative_to(root)): oct(p.stat().st_mode & 0o777) for p in made}
    assert modes == {
        "reports": "0o750",
        "reports/cli-modes": "0o750",
        "history": "0o750",
        "reports/cli-modes/consolidation.html": "0o640",
        "reports/latest.html": "0o640",
        "history/runs.parquet": "0o640",
    }


def test_failures_name_the_file_and_cause(built: dict, tmp_path: Path):
    with pytest.raises(ReportInputError, match=r"analytics\.duckdb: not found"):
        write_report(tmp_path, "cli-x")
    root = tmp_path / "wh"
    root.mkdir()
    shutil.copy2(built["root"] / "analytics.duckdb", root / "analytics.duckdb")
    with pytest.raises(ValueError, match="not a safe folder name"):
        write_report(root, "../escape")
    (root / "review").mkdir()
    pl.DataFrame({"new_uid": ["2025:27154"], "kind": ["split_unit"]}).write_parquet(
        root / "review/queue_summary.parquet"
    )
    with pytest.raises(
        ReportInputError, match=r"queue_summary\.parquet: missing column\(s\) open_items, records_blocked"
    ):
        write_report(root, "cli-x")
    (root / "review/queue_summary.parquet").unlink()
    # no gate results: the page says so instead of showing a pass
    page = write_report(root, "cli-nogates").path.read_text(encoding="utf-8")
    assert 'data-section="gates" data-found="0"' in page and "no machine-readable gate results" in page
    # a later marts run that was rejected (a gate failed) left its results: they are not the published marts'
    good = root / GATES_DIR / "published-run" / "ward_summary"
    good.mkdir(parents=True)
    (good / "gate.json").write_text(json.dumps({"table": "ward_summary", "passed": True}), encoding="utf-8")
    later = root / GATES_DIR / "rejected-run" / "ward_summary"
    later.mkdir(parents=True)
    (later / "gate.json").write_text(json.dumps({"table": "ward_summary", "passed": False}), encoding="utf-8")
    published = (good / "gate.json").stat().st_mtime
    os.utime(later / "gate.json", (published + 60, published + 60))
    assert latest_gates_dir(root) == good.parent
    (later / "gate.json").write_text(json.dumps({"table": "ward_summary", "passed": True}), encoding="utf-8")
    os.utime(later / "gate.json", (published + 60, published + 60))
    assert latest_gates_dir(root) == later.parent  # a later run whose gates all passed published the marts
    # a failing gate is shown as failing, with the expectation, its columns and row count but no example
    failing = {
        "table": "ward_summary",
        "passed": False,
        "rows": 168,
        "expectations": 86,
        "failed": 1,
        "outcomes": [
            {
                "name": "expect_column_values_to_not_be_null",
                "columns": ["new_uid"],
                "success": False,
                "unexpected_count": 3,
                "examples": [{"record_key": "EXAMPLE-KEY-9"}],
            },
        ],
    }
    (later / "gate.json").write_text(json.dumps(failing), encoding="utf-8")
    page = write_report(root, "cli-failgate", gates_dir=later.parent).path.read_text(encoding="utf-8")
    assert 'class="gate-row" data-table="ward_summary" data-passed="0"' in page
    assert "expect_column_values_to_not_be_null on new_uid: 3 rows" in page and "EXAMPLE-KEY-9" not in page
    assert 'class="card bad" data-measure="gates_passed" data-value="0"' in page
    (later / "gate.json").write_text(json.dumps({"table": "ward_summary"}), encoding="utf-8")
    with pytest.raises(ReportInputError, match=r"gate\.json: not a gate result \(KeyError"):
        write_report(root, "cli-badgate", gates_dir=later.parent)


def test_tax_with_no_taxpayers_shows_no_ratio():
    from pipelines.report.page import _dup_row

    row = _dup_row({"registry": "tax", "records": 0, "entities": 0})
    assert 'data-filings-per-entity=""' in row and "0,00" not in row and 'data-duplicates=""' in row
    assert 'data-duplicates="2"' in _dup_row({"registry": "population", "records": 10, "entities": 8})


def test_a_renamed_mart_column_is_named_and_no_report_or_history_is_written(built: dict, tmp_path: Path):
    """marts.ward_summary.merged renamed in the published analytics.duckdb: the report read the table whole and
    ended in Polars' ColumnNotFoundError ('unable to find column "merged"', no table named)."""
    root = tmp_path / "wh"
    root.mkdir()
    shutil.copy2(built["root"] / "analytics.duckdb", root / "analytics.duckdb")
    with duckdb.connect(str(root / "analytics.duckdb")) as con:
        con.execute("ALTER TABLE marts.ward_summary RENAME COLUMN merged TO merged_old")
    with pytest.raises(ReportInputError, match=r"marts\.ward_summary lacks column\(s\) \['merged'\]"):
        write_report(root, "cli-renamed")
    assert not (root / "reports").exists() and not (root / "history").exists()
