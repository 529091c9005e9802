"""The consolidation report as one self-contained HTML page (UTF-8, inline CSS, inline SVG, a little inline JS).

Every inserted text is escaped (``esc``); every figure shown is also written as a data-* attribute on its
element so that a browser test can compare the rendered page with the marts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.reference import CITY_TIME_ZONE
from pipelines.report import history as hist
from pipelines.report.inputs import ReportInputs
from pipelines.report.svg import (
    RECORD_COLOURS,
    REVIEW_COLOURS,
    WardPoint,
    bar_chart,
    esc,
    fmt,
    legend,
    line_chart,
    paired_bars,
    sparkline,
    ward_map,
)
from pipelines.schema import ENTITY_KINDS

REGISTRY_LABELS = {
    "population": "Dân cư (population)",
    "households": "Hộ khẩu (households)",
    "businesses": "Đăng ký kinh doanh (businesses)",
    "tax": "Thuế (tax)",
}
ENTITY_LABELS = {
    "people": "Nhân khẩu (people)",
    "households": "Hộ (households)",
    "businesses": "Cơ sở kinh doanh (businesses)",
    "taxpayers": "Người nộp thuế (taxpayers)",
}
TOP_WARDS = 15
TREND_RUNS = 20

CSS = """
:root{--ink:#1b1b1b;--muted:#5f6368;--line:#d0d7de;--bg:#fff;--accent:#08519c}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",
Arial,sans-serif;color:var(--ink);background:var(--bg)}header{background:#0b3d6e;color:#fff;padding:18px 28px}
header h1{margin:0 0 4px;font-size:24px}header p{margin:0;opacity:.9}main{max-width:1180px;margin:0 auto;
padding:8px 24px 40px}section{margin:28px 0;border-top:1px solid var(--line);padding-top:8px}
h2{font-size:20px;margin:10px 0}h2 small,.muted{color:var(--muted);font-weight:normal}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;
min-width:160px}.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:13px}
.card.bad{border-color:#d94801}.card.ok{border-color:#31a354}
table{border-collapse:collapse;width:100%;font-size:13.5px}th,td{border-bottom:1px solid var(--line);
padding:4px 6px;text-align:left;vertical-align:top}th{background:#f3f6f9;position:sticky;top:0}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.two{display:grid;grid-template-columns:
minmax(0,3fr) minmax(0,2fr);gap:20px}@media (max-width:900px){.two{grid-template-columns:1fr}}
.small{font-size:11px;fill:var(--muted)}svg text{font-family:inherit}.chart{max-width:100%;height:auto}.map{max-width:1100px;display:block}
.bars,.pairs,.trend{max-width:760px;display:block}.small-text{font-size:12px;min-width:220px}
.pass{color:#1a7f37;font-weight:600}.fail{color:#b42318;font-weight:600}details{margin:8px 0}
summary{cursor:pointer;color:var(--accent)}.note{background:#fff8e1;border-left:4px solid #f9a825;padding:6px 10px}
.toolbar button{border:1px solid var(--line);background:#f6f8fa;padding:4px 10px;border-radius:6px;cursor:pointer}
.toolbar button[aria-pressed=true]{background:var(--accent);color:#fff}.scroll{max-height:520px;overflow:auto}
input[type=search]{padding:4px 8px;border:1px solid var(--line);border-radius:6px;width:260px}
"""

SCRIPT = """
(function(){
  var map=document.getElementById('ward-map');
  function mode(m){
    if(!map)return;
    map.querySelectorAll('circle.ward-mark, circle.ward-zoom').forEach(function(c){
      c.setAttribute('r',c.dataset['r'+(m==='records'?'Records':'Review')]);
      c.setAttribute('fill',c.dataset['fill'+(m==='records'?'Review':'Records')]);
    });
    document.querySelectorAll('[data-map-mode]').forEach(function(b){
      b.setAttribute('aria-pressed',b.dataset.mapMode===m?'true':'false');});
    document.querySelectorAll('.legend-mode').forEach(function(l){l.hidden=l.dataset.for!==m;});
  }
  document.querySelectorAll('[data-map-mode]').forEach(function(b){
    b.addEventListener('click',function(){mode(b.dataset.mapMode);});});
  mode('records');
  var box=document.getElementById('ward-filter');
  if(box){box.addEventListener('input',function(){
    var q=box.value.toLowerCase();
    document.querySelectorAll('tr.ward-row').forEach(function(r){
      r.hidden=q&&r.textContent.toLowerCase().indexOf(q)<0;});});}
  document.documentElement.setAttribute('data-rendered','1');
})();
"""


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    run_time: dt.datetime
    gates_source: str  # where the gate results were read from (a path, shown to the reader)


def _td(value: object, attr: str | None = None) -> str:
    data = f' data-{attr}="{"" if value is None else int(value)}"' if attr else ""
    return f'<td class="n"{data}>{fmt(value)}</td>'


def _card(label: str, value: int, measure: str, cls: str = "") -> str:
    return (
        f'<div class="card {cls}" data-measure="{esc(measure)}" data-value="{int(value)}"><b>{fmt(value)}</b>'
        f"<span>{esc(label)}</span></div>"
    )


def _review_column(inputs: ReportInputs) -> tuple[str, str]:
    """(column of inputs.wards, label) of the per-ward review figure shown on the map and in the trend."""
    if "open_review" in inputs.wards.columns:
        return "open_review", "việc chờ xử lý (open review items)"
    return "under_review", "hồ sơ đang xem xét (rows under review)"


def _versions_cards(d: pl.DataFrame) -> str:
    """Beside duplicates merged: the records that were earlier versions of a source record (the same record sent again
    in a newer extract: neither a duplicate nor a record of its own) and the source records missing from their
    source's newest extract (kept in their entities); nothing when the marts do not say (published before)."""
    cards = []
    for column, label in (
        ("earlier_versions", "bản cũ của hồ sơ nguồn, gửi lại (earlier versions of a source record, not duplicates)"),
        ("not_in_newest", "hồ sơ nguồn không còn trong bản mới nhất (source records missing from the newest extract)"),
    ):
        if column in d.columns and d[column].null_count() < d.height:
            cards.append(_card(label, int(d[column].fill_null(0).sum()), column) + "\n")
    return "".join(cards)


# the card counts as the duplicates section does: a tax record is a filing, several per taxpayer expected
DUPLICATES_LABEL = "bản ghi trùng đã gộp, không tính tờ khai thuế (duplicates merged; tax filings not counted)"


def summary_section(inputs: ReportInputs, info: RunInfo) -> str:
    acc = inputs.accounting
    total = {m: int(acc[m].sum()) for m in ("raw", "merged", "quarantined", "under_review")}
    entities = int(inputs.duplicates["entities"].sum())
    # as the duplicates section counts them: a registry of filings (tax) has several records per entity by design
    counted = inputs.duplicates.filter(~pl.col("registry").is_in(list(FILINGS)))
    duplicates = int(counted["records"].sum()) - int(counted["entities"].sum())
    failed = sum(1 for g in inputs.gates.tables if not g.passed)
    gates = (
        _card(
            f"/ {len(inputs.gates.tables)} bảng đạt kiểm định chất lượng (tables passed the quality gates)",
            len(inputs.gates.tables) - failed,
            "gates_passed",
            "bad" if failed else "ok",
        )
        if inputs.gates.found
        else '<div class="card bad" data-measure="gates_passed" data-value=""><b>–</b><span>không tìm thấy kết quả '
        "kiểm định (no gate results found)</span></div>"
    )
    balanced = all(r["merged"] + r["quarantined"] + r["under_review"] == r["raw"] for r in acc.iter_rows(named=True))
    return f"""<section id="summary" data-section="summary">
<h2>Tổng quan <small>(overview)</small></h2>
<div class="cards">
{_card("hồ sơ nguồn (source records)", total["raw"], "raw")}
{_card("đã gộp, có phường (merged, placed)", total["merged"], "merged")}
{_card("cách ly (quarantined)", total["quarantined"], "quarantined")}
{_card("đang xem xét (under review)", total["under_review"], "under_review")}
{_card("thực thể sau khử trùng (entities)", entities, "entities")}
{_card(DUPLICATES_LABEL, duplicates, "duplicates")}
{_versions_cards(inputs.duplicates)}{gates}
</div>
<p class="muted">Đối soát dòng (row accounting): {
        "cân bằng — mỗi hồ sơ nguồn được gộp, cách ly hoặc đang xem xét đúng một lần" if balanced else "KHÔNG cân bằng"
    } ({"balanced" if balanced else "NOT balanced"}).
Ngày tham chiếu (reference date): {esc(inputs.reference_date)}.</p>
{_unread_extracts(inputs.unread_extracts)}
</section>"""


def _unread_extracts(unread: tuple[str, ...], shown: int = 10) -> str:
    """A warning naming the extracts whose file could not be read (none: nothing): the figures above leave their rows
    out, and without it the page read as if every extract were counted; except an extract whose entry says 'still in
    the figures' (entities kept as last published: pipelines.ingest.status.unread_extracts)."""
    if not unread:
        return ""
    more = f"; … (+{len(unread) - shown})" if len(unread) > shown else ""
    return (
        f'<p class="fail" data-unread-extracts="{len(unread)}">{len(unread)} trích xuất không đọc được: số liệu trên '
        "không gồm các dòng của chúng, trừ mục ghi 'still in the figures' (dòng đọc được ở lần nạp trước vẫn được tính) "
        f"({len(unread)} extract(s) could not be read: their rows are not in these figures, except where an entry says "
        f"'still in the figures'): {esc('; '.join(unread[:shown]))}{esc(more)}</p>"
    )


def map_section(inputs: ReportInputs) -> str:
    review_col, review_label = _review_column(inputs)
    w = inputs.wards
    points = [
        WardPoint(
            r["new_uid"], r["new_name"], r["lat"], r["lon"], int(r["records_in"]), int(r[review_col]), review_label
        )
        for r in w.iter_rows(named=True)
    ]
    top_rec, top_rev = int(w["records_in"].max() or 0), int(w[review_col].max() or 0)
    return f"""<section id="map" data-section="map">
<h2>Bản đồ 168 đơn vị hành chính cấp xã <small>(map of the wards: centroids)</small></h2>
<p class="toolbar">Kích thước theo (size by): <button type="button" data-map-mode="records">hồ sơ (records)</button>
<button type="button" data-map-mode="review">{esc(review_label)}</button>
<span class="muted">— màu theo chỉ số còn lại (colour by the other); di chuột lên điểm để xem tên (hover for names).</span></p>
<div class="legend-mode" data-for="records">Màu (colour): {
        legend(REVIEW_COLOURS, top_rev, review_label, "legend-review")
    }</div>
<div class="legend-mode" data-for="review" hidden>Màu (colour): {
        legend(RECORD_COLOURS, top_rec, "hồ sơ (records)", "legend-records")
    }</div>
{ward_map(points)}
</section>"""


def _origins(flows: pl.DataFrame) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for r in flows.iter_rows(named=True):
        out.setdefault(r["new_uid"], []).append(f"{r['old_name']} ({r['old_district']}): {fmt(r['records_out'])}")
    return {k: "; ".join(v) for k, v in out.items()}


def wards_section(inputs: ReportInputs, history: pl.DataFrame) -> str:
    w = inputs.wards.sort("records_in", "new_uid", descending=[True, False])
    top = [(r["new_name"], int(r["records_in"]), r["new_uid"]) for r in w.head(TOP_WARDS).iter_rows(named=True)]
    origins = _origins(inputs.flows)
    kinds = list(ENTITY_KINDS)
    rows = []
    for r in w.iter_rows(named=True):
        entity_cells = "".join(_td(r[f"{k}_estimated"], f"{k}-estimated") for k in kinds)
        rows.append(
            f'<tr class="ward-row" data-uid="{esc(r["new_uid"])}"><td>{esc(r["new_ward_code"])}</td>'
            f"<td>{esc(r['new_name'])}</td>{_td(r['records_in'], 'records-in')}{_td(r['merged'], 'merged')}"
            f"{_td(r['quarantined'], 'quarantined')}{_td(r['under_review'], 'under-review')}"
            f"{_td(r['under_review_estimated'], 'under-review-estimated')}{entity_cells}"
            f'<td class="small-text">{esc(origins.get(r["new_uid"], "—"))}</td></tr>'
        )
    heads = "".join(f'<th class="n">{esc(ENTITY_LABELS[k])} (ước tính, est.)</th>' for k in kinds)
    return f"""<section id="wards" data-section="wards">
<h2>Hồ sơ theo phường, xã mới <small>(records per new ward)</small></h2>
<p class="muted">Hồ sơ (records): dòng nguồn có địa chỉ thuộc phường (merged + quarantined). Hồ sơ đang xem xét của đơn vị cũ
bị chia tách được tính ở mọi phường ứng viên (không cộng dồn được); cột ước tính phân bổ theo diện tích (split-unit rows
under review count in every candidate ward; the estimate allocates them by area share and adds up to the city total).</p>
<h3>{TOP_WARDS} phường có nhiều hồ sơ nhất <small class="muted">(top {TOP_WARDS} by records)</small></h3>
{bar_chart(top, chart_id="chart-top-wards", unit="hồ sơ (records)")}
<details open><summary>Bảng đủ 168 đơn vị (all 168 wards)</summary>
<p><input type="search" id="ward-filter" placeholder="Lọc theo tên (filter by name)…" aria-label="filter"></p>
<div class="scroll"><table id="ward-table"><thead><tr><th>Mã (code)</th><th>Tên (name)</th>
<th class="n">Hồ sơ (records)</th><th class="n">Đã gộp (merged)</th><th class="n">Cách ly (quarantined)</th>
<th class="n">Đang xem xét (under review)</th><th class="n">Xem xét, ước tính (under review, est.)</th>{heads}
<th>Từ đơn vị cũ (from old units: records)</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div></details>
</section>"""


def origins_section(inputs: ReportInputs) -> str:
    rec = inputs.reconciliation
    with_rows = rec.filter(pl.col("records_in") > 0)
    unplaced = with_rows.filter(pl.col("still_unplaced") > 0).sort("still_unplaced", descending=True)
    flow_rows = "".join(
        f'<tr class="flow-row" data-old="{esc(r["old_uid"])}" data-new="{esc(r["new_uid"])}">'
        f"<td>{esc(r['old_name'])}</td><td>{esc(r['old_district'])}</td><td>{esc(r['new_name'])}</td>"
        f"{_td(r['records_out'], 'records-out')}{_td(r['merged'], 'merged')}{_td(r['quarantined'], 'quarantined')}</tr>"
        for r in inputs.flows.sort("old_uid", "records_out", descending=[False, True]).iter_rows(named=True)
    )
    unplaced_rows = "".join(
        f'<tr class="unplaced-row" data-old="{esc(r["old_uid"])}"><td>{esc(r["old_name"])}</td>'
        f"<td>{esc(r['old_district'])}</td><td>{'có (yes)' if r['is_split'] else 'không (no)'}</td>"
        f"{_td(r['records_in'], 'records-in')}{_td(r['records_out'], 'records-out')}"
        f"{_td(r['still_unplaced'], 'still-unplaced')}</tr>"
        for r in unplaced.iter_rows(named=True)
    )
    return f"""<section id="origins" data-section="origins">
<h2>Nguồn gốc: đơn vị cũ → phường mới <small>(what came from which old units)</small></h2>
<div class="cards">
{_card("đơn vị cũ có hồ sơ (old units with records)", with_rows.height, "old_units_with_records")}
{_card("hồ sơ đã chuyển sang phường mới (records placed in a new ward)", int(rec["records_out"].sum()), "records_out")}
{_card("hồ sơ chưa xác định phường (records not yet placed)", int(rec["still_unplaced"].sum()), "still_unplaced")}
</div>
<details><summary>Luồng hồ sơ từ {with_rows.height} đơn vị cũ ({inputs.flows.height} luồng / flows)</summary>
<div class="scroll"><table id="flow-table"><thead><tr><th>Đơn vị cũ (old unit)</th><th>Quận/huyện cũ (old district)</th>
<th>Phường mới (new ward)</th><th class="n">Hồ sơ (records)</th><th class="n">Đã gộp (merged)</th>
<th class="n">Cách ly (quarantined)</th></tr></thead><tbody>{flow_rows}</tbody></table></div></details>
<h3>Đơn vị cũ còn hồ sơ chưa xác định phường <small class="muted">(old units with records still unplaced)</small></h3>
{
        '<div class="scroll"><table id="unplaced-table"><thead><tr><th>Đơn vị cũ</th><th>Quận/huyện cũ</th><th>Bị chia tách '
        '(split)</th><th class="n">Hồ sơ vào (records in)</th><th class="n">Đã xác định (placed)</th><th class="n">Chưa '
        "(still unplaced)</th></tr></thead><tbody>" + unplaced_rows + "</tbody></table></div>"
        if unplaced.height
        else '<p class="pass">Không còn (none).</p>'
    }
</section>"""


def _registry(registry: str) -> str:
    return REGISTRY_LABELS.get(registry, registry)


# registries whose records are filings (one per period), not registrations: several per entity are expected,
# so records - entities is not a count of duplicates there
FILINGS = {"tax": "tờ khai / người nộp thuế (filings per taxpayer)"}


def _dup_row(r: dict) -> str:
    head = (
        f'<tr class="dup-row" data-registry="{esc(r["registry"])}"><td>{esc(_registry(r["registry"]))}</td>'
        f"{_td(r['records'], 'records')}{_td(r['entities'], 'entities')}"
    )
    # the records that were earlier versions of a source record (sent again in a newer extract: not counted as
    # records) and the source records missing from their source's newest extract (marts.<kind> columns; a table read
    # without them: '–')
    tail = "".join(
        _td(r[c], c.replace("_", "-"))
        if r.get(c) is not None
        else f'<td class="n" data-{c.replace("_", "-")}="">–</td>'
        for c in ("earlier_versions", "not_in_newest")
    )
    if r["registry"] in FILINGS:
        per = f"{r['records'] / r['entities']:.2f}" if r["entities"] else ""
        shown = per.replace(".", ",") or "–"  # Vietnamese decimal comma; no taxpayers: no ratio
        return (
            f'{head}<td class="n" data-duplicates="">–</td><td class="n" data-filings-per-entity="{per}">'
            f"{shown} {FILINGS[r['registry']]}</td>{tail}</tr>"
        )
    share = 100 * (r["records"] - r["entities"]) / r["records"] if r["records"] else 0
    shown = f"{share:.1f}".replace(".", ",")  # Vietnamese decimal comma, as the filings ratio ('.' groups thousands)
    return f'{head}{_td(r["records"] - r["entities"], "duplicates")}<td class="n">{shown} %</td>{tail}</tr>'


def _gone_entities(d: pl.DataFrame) -> str:
    """', <n> thực thể không còn hồ sơ nào trong bản mới nhất' when the marts say it (entities none of whose source
    records is in a newest extract), else nothing."""
    if "entities_not_in_newest" not in d.columns or d["entities_not_in_newest"].null_count() == d.height:
        return ""
    n = int(d["entities_not_in_newest"].fill_null(0).sum())
    return (
        f'; <span data-entities-not-in-newest="{n}">{fmt(n)}</span> thực thể không còn hồ sơ nào trong bản mới nhất '
        "(entities with no record left in a newest extract)"
    )


def duplicates_section(inputs: ReportInputs) -> str:
    d = inputs.duplicates
    items = [(_registry(r["registry"]), int(r["records"]), int(r["entities"])) for r in d.iter_rows(named=True)]
    rows = "".join(_dup_row(r) for r in d.iter_rows(named=True))
    return f"""<section id="duplicates" data-section="duplicates">
<h2>Trùng lặp đã phát hiện <small>(duplicates found: records in vs entities, per registry)</small></h2>
<div class="two"><div>{
        paired_bars(items, chart_id="chart-duplicates", labels=("hồ sơ vào (records in)", "thực thể (entities)"))
    }</div>
<div><table id="dup-table"><thead><tr><th>Sổ (registry)</th><th class="n">Hồ sơ (records)</th>
<th class="n">Thực thể (entities)</th><th class="n">Trùng (duplicates)</th><th class="n">Tỉ lệ (share)</th>
<th class="n">Bản cũ (earlier versions)</th><th class="n">Không còn trong bản mới nhất (not in newest extract)</th></tr></thead>
<tbody>{rows}</tbody></table>
<p class="muted">Hồ sơ đã đưa vào thực thể (staged records merged into entities, incl. those under review), mỗi hồ sơ
nguồn một lần: bản cũ là cùng hồ sơ gửi lại trong bản trích xuất mới hơn, không tính là hồ sơ hay trùng lặp (each
source record once: earlier versions are the same record sent again in a newer extract, counted neither as records nor
as duplicates). Không còn trong bản mới nhất: hồ sơ nguồn không có trong bản trích xuất mới nhất của nguồn (đã xoá ở hệ
thống cũ, hoặc nguồn gửi bản không đầy đủ); vẫn nằm trong thực thể{_gone_entities(d)} (source records missing from their
source's newest extract: deleted in the old system, or a partial extract; still in their entities).
Thuế: mỗi tờ khai là một hồ sơ, một người nộp thuế có nhiều kỳ kê khai, nên không tính là trùng lặp (tax: a record
is a filing, several periods per taxpayer are expected, so no duplicate count is shown: filings per taxpayer).</p>
</div></div>
</section>"""


def city_time(t: dt.datetime) -> dt.datetime:
    """A run's time on the city's clock, as the report's readers read times (a naive one is UTC, as history keeps)."""
    return (t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)).astimezone(ZoneInfo(CITY_TIME_ZONE))


def run_time_text(t: dt.datetime) -> str:
    """The header's run time: the city's date and time, its offset said (before: UTC)."""
    local = city_time(t)
    offset = f"{local:%z}"
    return f"{local:%Y-%m-%d %H:%M} giờ TP.HCM (UTC{offset[:3]}:{offset[3:]})"


def _city_trend(inputs: ReportInputs, history: pl.DataFrame) -> tuple[str, int]:
    """The city-wide line chart over the last runs, and how many runs it shows."""
    last = hist.runs(history, TREND_RUNS)
    labels = [f"{city_time(t):%d/%m %H:%M}" for t in last["run_time"]]  # the city's time, as the header
    lines = {
        "cách ly (quarantined)": hist.series(history, "quarantined", None, TREND_RUNS),
        "đang xem xét (under review)": hist.series(history, "under_review", None, TREND_RUNS),
    }
    changes: list[tuple[int, int | None, int | None]] = []
    if inputs.queue is not None:
        # every open item once (review/queue_totals: the per-kind table's open column summed); with an older queue
        # without totals, items with a ward or with none (history.run_measures); a change of definition is marked
        values = hist.series(history, "open_review", None, TREND_RUNS)
        lines["việc chờ xử lý (open items)"] = values
        changes = hist.definition_changes(values, hist.series(history, "open_review_definition", None, TREND_RUNS))
    marks = [
        (i, f"open items counted another way from {labels[i]}: {hist.OPEN_DEFINITIONS[after]}")
        for i, _, after in changes
    ]
    chart = line_chart(labels, lines, chart_id="chart-trend", marks=marks)
    if last.height < 2:
        chart = '<p class="note">Lần chạy đầu tiên: chưa có xu hướng (first run recorded: no trend yet).</p>' + chart
    return chart + _definition_notes(changes, labels), last.height


def _definition_notes(changes: list[tuple[int, int | None, int | None]], labels: list[str]) -> str:
    """Under the trend: where the city-wide open items were counted another way (the dashed line), so a step there
    is read as a change of counting, not of the work waiting."""
    return "".join(
        f'<p class="note definition-change" data-run-index="{i}">Việc chờ xử lý được đếm theo cách khác từ lần chạy '
        f"{esc(labels[i])} (đường nét đứt) — open items are counted another way from the run of {esc(labels[i])} "
        f"(dashed line): before, {esc(hist.OPEN_DEFINITIONS[before])}; from then on, "
        f"{esc(hist.OPEN_DEFINITIONS[after])}. A step there is the change of counting, not more or less work "
        "waiting.</p>"
        for i, before, after in changes
    )


def _queue_source(inputs: ReportInputs) -> str:
    """Where the review figures come from, and the open / closed items per queue kind when the queues exist."""
    if inputs.queue is None:
        return (
            '<p class="note" id="queue-source" data-source="ward_summary">Chưa có bảng hàng đợi xem xét '
            "(warehouse/review/queue_summary.parquet not produced): số việc chờ xử lý lấy từ cột under_review của "
            "marts.ward_summary (rows of split old units awaiting a ward decision).</p>"
        )
    own, cand = ~pl.col("candidate"), pl.col("candidate")
    by_kind = (
        inputs.queue.group_by("kind")
        .agg(
            pl.col("open_items").filter(own).sum().alias("open_items"),
            pl.col("open_items").filter(cand).sum().alias("candidate_items"),
            pl.col("records_blocked").filter(own).sum().alias("records_blocked"),
            pl.col("closed_items").filter(own).sum().alias("closed_items"),
        )
        .sort("kind")
    )
    scope = "ward"  # an older queue without city-wide totals: items with only candidate wards are not in these
    if inputs.queue_totals is not None:  # city-wide, each item and record once (candidate-only items included)
        scope = "city"
        by_kind = (
            inputs.queue_totals.join(by_kind.select("kind", "candidate_items"), on="kind", how="full", coalesce=True)
            .with_columns(pl.col("open_items", "records_blocked", "closed_items", "candidate_items").fill_null(0))
            .sort("kind")
        )
    rows = "".join(
        f'<tr class="kind-row" data-kind="{esc(r["kind"])}"><td>{esc(r["kind"])}</td>'
        f"{_td(r['open_items'], 'open')}{_td(r['candidate_items'], 'candidate')}"
        f"{_td(r['records_blocked'], 'blocked')}{_td(r['closed_items'], 'closed')}</tr>"
        for r in by_kind.iter_rows(named=True)
    )
    pairs_note = ""
    if inputs.queue_totals is not None and "open_record_pairs" in inputs.queue_totals.columns:
        held = inputs.queue_totals.filter(pl.col("kind") == "match_pair")["open_record_pairs"].drop_nulls()
        if len(held):  # match_pair items are pairs of entities, each joined by one or more record pairs
            pairs_note = (
                f'<span id="match-record-pairs" data-record-pairs="{int(held[0])}">Mỗi việc match_pair là một cặp '
                f"thực thể, gồm {fmt(int(held[0]))} cặp hồ sơ (each match_pair item is a pair of entities; "
                "the open ones hold this many record pairs). </span>"
            )
    counted = (
        "Đang mở, bị chặn, đã đóng: toàn thành phố, mỗi việc và mỗi hồ sơ tính một lần (open, blocked, closed: "
        "city-wide, each item and record once, from warehouse/review/queue_totals.parquet). "
        if scope == "city"
        else "Đang mở, bị chặn, đã đóng: chỉ việc đã có phường (open, blocked, closed: items with a ward or none). "
    )
    return (
        '<p class="muted" id="queue-source" data-source="queue_summary">Nguồn: '
        f"warehouse/review/queue_summary.parquet (review queues). {counted}{pairs_note}Cột “mở, chỉ có phường ứng "
        "viên” tính "
        "việc ở mỗi phường ứng viên (that column counts items with only candidate wards in each candidate ward).</p>"
        f'<table id="queue-kinds" data-scope="{scope}"><thead><tr><th>Loại (kind)</th><th class="n">Đang mở (open)'
        '</th><th class="n">Mở, chỉ có phường ứng viên (open, per candidate ward)</th><th class="n">Hồ sơ bị chặn '
        f'(records blocked)</th><th class="n">Đã đóng (closed)</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _review_rows(inputs: ReportInputs, history: pl.DataFrame, review_col: str) -> list[str]:
    """One row per ward with quarantined rows or review figures: counts, sparklines, change since the last run."""
    spark_review = hist.ward_series(history, review_col, TREND_RUNS)
    spark_quar = hist.ward_series(history, "quarantined", TREND_RUNS)
    wards = inputs.wards.filter((pl.col("quarantined") > 0) | (pl.col(review_col) > 0)).sort(
        [review_col, "quarantined", "new_uid"], descending=[True, True, False]
    )
    rows = []
    for r in wards.iter_rows(named=True):
        series = spark_review.get(r["new_uid"], [])
        prev = next((v for v in reversed(series[:-1]) if v is not None), None)
        change = "–" if prev is None else f"{int(r[review_col]) - prev:+,}".replace(",", ".")
        rows.append(
            f'<tr class="review-row" data-uid="{esc(r["new_uid"])}"><td>{esc(r["new_name"])}</td>'
            f"{_td(r['quarantined'], 'quarantined')}<td>{sparkline(spark_quar.get(r['new_uid'], []))}</td>"
            f'{_td(r[review_col], "review")}<td>{sparkline(series)}</td><td class="n">{esc(change)}</td></tr>'
        )
    return rows


def review_section(inputs: ReportInputs, history: pl.DataFrame) -> str:
    review_col, review_label = _review_column(inputs)
    trend, n_runs = _city_trend(inputs, history)
    rows = _review_rows(inputs, history, review_col)
    no_ward_q = int(inputs.accounting["quarantined"].sum()) - int(inputs.wards["quarantined"].sum())
    return f"""<section id="review" data-section="review">
<h2>Cách ly và xem xét theo phường, xu hướng qua các lần chạy <small>(quarantine and review per ward, trend across runs)</small></h2>
<h3>Toàn thành phố qua {n_runs} lần chạy <small class="muted">(city-wide, last {n_runs} runs; giờ TP.HCM, city time)</small></h3>
{trend}
{_queue_source(inputs)}
<p class="muted" data-measure="quarantined_no_ward" data-value="{no_ward_q}">Hồ sơ cách ly không xác định được phường
(quarantined without a ward): {fmt(no_ward_q)}.</p>
<h3>{len(rows)} phường có hồ sơ cách ly hoặc chờ xem xét <small class="muted">(wards with quarantined rows or
{esc(review_label)})</small></h3>
<div class="scroll"><table id="review-table" data-review-measure="{esc(review_col)}"><thead><tr><th>Phường (ward)</th>
<th class="n">Cách ly (quarantined)</th><th>Xu hướng (trend)</th><th class="n">{esc(review_label)}</th>
<th>Xu hướng (trend)</th><th class="n">So với lần trước (vs previous run)</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>
</section>"""


def gates_section(inputs: ReportInputs, info: RunInfo) -> str:
    g = inputs.gates
    if not g.found:
        return f"""<section id="gates" data-section="gates" data-found="0">
<h2>Kiểm định chất lượng <small>(quality gates)</small></h2>
<p class="note">Không tìm thấy kết quả kiểm định của lần công bố marts (no machine-readable gate results found in
{esc(info.gates_source)}). Marts chỉ được công bố khi qua kiểm định (the marts are only published when their gates
pass).</p></section>"""
    failed = [t for t in g.tables if not t.passed]
    rows = "".join(
        f'<tr class="gate-row" data-table="{esc(t.table)}" data-passed="{int(t.passed)}"><td>{esc(t.table)}</td>'
        f'<td class="{"pass" if t.passed else "fail"}">{"đạt (passed)" if t.passed else "KHÔNG ĐẠT (failed)"}</td>'
        f"{_td(t.rows, 'rows')}{_td(t.expectations, 'expectations')}{_td(t.failed, 'failed')}"
        f"<td>{esc('; '.join(t.failures))}</td></tr>"
        for t in sorted(g.tables, key=lambda t: (t.passed, t.table))
    )
    docs = f"<code>{esc(g.docs_index)}</code>" if g.docs_index else "—"
    return f"""<section id="gates" data-section="gates" data-found="1">
<h2>Kiểm định chất lượng <small>(quality gates: Great Expectations, before the marts were published)</small></h2>
<p><span class="{"fail" if failed else "pass"}">{len(g.tables) - len(failed)} / {len(g.tables)} bảng đạt
(tables passed)</span>, {fmt(sum(t.expectations for t in g.tables))} kỳ vọng (expectations).
Chi tiết (Data Docs, on the pipeline's machine): {docs}</p>
<details{" open" if failed else ""}><summary>Từng bảng (per table)</summary>
<table id="gate-table"><thead><tr><th>Bảng (table)</th><th>Kết quả (result)</th><th class="n">Dòng (rows)</th>
<th class="n">Kỳ vọng (expectations)</th><th class="n">Không đạt (failed)</th><th>Lỗi (failures)</th></tr></thead>
<tbody>{rows}</tbody></table></details>
</section>"""


def render(inputs: ReportInputs, history: pl.DataFrame, info: RunInfo) -> str:
    body = "\n".join(
        [
            summary_section(inputs, info),
            map_section(inputs),
            wards_section(inputs, history),
            origins_section(inputs),
            duplicates_section(inputs),
            review_section(inputs, history),
            gates_section(inputs, info),
        ]
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="wardbridge pipelines/report">
<title>Báo cáo hợp nhất dữ liệu — TP. Hồ Chí Minh — {esc(info.run_id)}</title>
<style>{CSS}</style></head>
<body data-run-id="{esc(info.run_id)}">
<header><h1>Báo cáo hợp nhất dữ liệu sau sắp xếp đơn vị hành chính — Thành phố Hồ Chí Minh</h1>
<p>Consolidation report · lần chạy (run) <code>{esc(info.run_id)}</code> · {esc(run_time_text(info.run_time))} ·
168 phường, xã, đặc khu từ 01/07/2025 · chỉ số liệu tổng hợp (aggregates only, no personal data)</p></header>
<main>
{body}
<footer class="muted"><p>Nguồn (sources): warehouse/analytics.duckdb (schema marts), kết quả kiểm định (gate results),
hàng đợi xem xét (review queues), lịch sử các lần chạy (warehouse/history/runs.parquet). Tọa độ trọng tâm
(centroids): mappings/reference/units_2025.csv. Tệp này mở được khi không có mạng (self-contained, works offline).</p>
</footer></main>
<script>{SCRIPT}</script>
</body></html>
"""
