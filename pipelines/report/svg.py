"""Inline SVG charts for the consolidation report, drawn in Python: no script, style or font from outside.

Every function returns an SVG fragment string; every text it inserts goes through ``esc``. Numbers
are written as data-* attributes on the marks, so a test (or a reader's tool) can compare them to the marts.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

REVIEW_COLOURS = ("#fff5eb", "#fdd0a2", "#fdae6b", "#f16913", "#d94801", "#8c2d04")
RECORD_COLOURS = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
ZERO_COLOUR = "#d9d9d9"
INSET_BELOW_LAT = 10.0  # wards south of this (Côn Đảo, ~180 km offshore) are drawn in an inset
CORE = (10.72, 10.83, 106.62, 106.73)  # lat0, lat1, lon0, lon1 of the dense old inner districts, shown magnified


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def fmt(value: object) -> str:
    """An integer the Vietnamese way (1.234.567); '–' for a missing value."""
    if value is None:
        return "–"
    return f"{int(value):,}".replace(",", ".")


def colour(value: int, top: int, palette: Sequence[str]) -> str:
    if not value or top <= 0:
        return ZERO_COLOUR
    step = math.sqrt(value / top) * (len(palette) - 1)
    return palette[min(len(palette) - 1, max(1, math.ceil(step)))]


def radius(value: int, top: int, smallest: float = 2.5, largest: float = 14.0) -> float:
    if not value or top <= 0:
        return smallest
    return round(smallest + (largest - smallest) * math.sqrt(value / top), 2)


@dataclass(frozen=True)
class WardPoint:
    uid: str
    name: str
    lat: float
    lon: float
    records: int
    review: int
    review_label: str  # what "review" counts ("open review items" or "rows under review")


def _mark(p: WardPoint, x: float, y: float, cls: str, tops: tuple[int, int]) -> str:
    r_rec, r_rev = radius(p.records, tops[0]), radius(p.review, tops[1])
    f_rev, f_rec = colour(p.review, tops[1], REVIEW_COLOURS), colour(p.records, tops[0], RECORD_COLOURS)
    return (
        f'<circle class="{cls}" cx="{x}" cy="{y}" r="{r_rec}" fill="{f_rev}" '
        f'data-uid="{esc(p.uid)}" data-records="{p.records}" data-review="{p.review}" '
        f'data-r-records="{r_rec}" data-r-review="{r_rev}" data-fill-records="{f_rec}" data-fill-review="{f_rev}">'
        f"<title>{esc(p.name)} ({esc(p.uid)}) — hồ sơ (records): {fmt(p.records)}; "
        f"{esc(p.review_label)}: {fmt(p.review)}</title></circle>"
    )


def ward_map(points: Sequence[WardPoint], width: int = 640, zoom: tuple[float, float, float, float] = CORE) -> str:
    """Centroid scatter of the wards: size by records (or review), colour by open review items (or records).

    One ``circle.ward-mark`` per ward. Wards south of INSET_BELOW_LAT (Côn Đảo) sit in an inset box in the
    lower left corner; the dense city centre (``zoom``: lat0, lat1, lon0, lon1) is repeated magnified in a
    panel on the right (``circle.ward-zoom``, same data), its frame drawn on the map."""
    main = [p for p in points if p.lat >= INSET_BELOW_LAT]
    inset = [p for p in points if p.lat < INSET_BELOW_LAT]
    pad = 18
    lat0, lat1 = min(p.lat for p in main), max(p.lat for p in main)
    lon0, lon1 = min(p.lon for p in main), max(p.lon for p in main)
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = (width - 2 * pad) / max((lon1 - lon0) * kx, 1e-9)
    height = round((lat1 - lat0) * scale + 2 * pad)
    tops = (max((p.records for p in points), default=0), max((p.review for p in points), default=0))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round(pad + (lon - lon0) * kx * scale, 1), round(pad + (lat1 - lat) * scale, 1)

    box_w, box_h = 120, 90
    box_x, box_y = 8, height - box_h - 8
    inset_xy = {
        p.uid: (box_x + box_w / 2 + 20 * (i - (len(inset) - 1) / 2), box_y + box_h / 2 + 6) for i, p in enumerate(inset)
    }
    order = sorted(points, key=lambda p: -p.records)  # big circles first, small ones stay on top
    marks = [_mark(p, *(inset_xy.get(p.uid) or xy(p.lat, p.lon)), "ward-mark", tops) for p in order]
    inset_box = ""
    if inset:
        names = ", ".join(p.name for p in inset)
        inset_box = (
            f'<g class="inset"><rect x="{box_x}" y="{box_y}" width="{box_w}" height="{box_h}" fill="#fafafa" '
            f'stroke="#999" stroke-dasharray="3 2"/><text x="{box_x + 6}" y="{box_y + 14}" class="small">'
            f"{esc(names)} (ô phụ, inset)</text></g>"
        )
    # the centre, magnified, in a panel on the right
    z_lat0, z_lat1, z_lon0, z_lon1 = zoom
    panel_x, panel_w = width + 12, 380
    z_scale = (panel_w - 2 * pad) / ((z_lon1 - z_lon0) * kx)
    panel_h = round((z_lat1 - z_lat0) * z_scale + 2 * pad)
    inside = [p for p in order if z_lat0 <= p.lat <= z_lat1 and z_lon0 <= p.lon <= z_lon1]
    zoomed = [
        _mark(
            p,
            round(panel_x + pad + (p.lon - z_lon0) * kx * z_scale, 1),
            round(pad + (z_lat1 - p.lat) * z_scale, 1),
            "ward-zoom",
            tops,
        )
        for p in inside
    ]
    (fx0, fy0), (fx1, fy1) = xy(z_lat1, z_lon0), xy(z_lat0, z_lon1)
    frame = (
        f'<rect x="{fx0}" y="{fy0}" width="{round(fx1 - fx0, 1)}" height="{round(fy1 - fy0, 1)}" fill="none" '
        f'stroke="#0b3d6e" stroke-dasharray="4 2"/><rect x="{panel_x}" y="0" width="{panel_w}" '
        f'height="{panel_h}" fill="#f4f8fb" stroke="#0b3d6e" stroke-dasharray="4 2"/>'
        f'<text x="{panel_x + 6}" y="{panel_h - 6}" class="small">Khu trung tâm, phóng to (city centre, '
        f"magnified: {len(inside)} wards)</text>"
    )
    total_w, total_h = panel_x + panel_w, max(height, panel_h)
    return (
        f'<svg class="chart map" id="ward-map" viewBox="0 0 {total_w} {total_h}" width="100%" role="img" '
        f'aria-label="Bản đồ 168 phường, xã, đặc khu (map of the wards)" data-wards="{len(points)}">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f4f8fb"/>{inset_box}{frame}'
        f'<g class="marks" stroke="#333" stroke-width="0.6" fill-opacity="0.9">{"".join(marks)}</g>'
        f'<g class="zoom" stroke="#333" stroke-width="0.6" fill-opacity="0.9">{"".join(zoomed)}</g></svg>'
    )


def legend(palette: Sequence[str], top: int, label: str, legend_id: str) -> str:
    """A colour ramp (grey for zero, then the palette's steps by square root of the value) with its end values."""
    ramp = [ZERO_COLOUR, *palette[1:]]
    sw = "".join(f'<rect x="{20 * i}" y="0" width="20" height="12" fill="{c}"/>' for i, c in enumerate(ramp))
    w = 20 * len(ramp)
    return (
        f'<svg class="legend" id="{esc(legend_id)}" viewBox="0 0 {w + 260} 28" width="{w + 260}" height="28">{sw}'
        f'<text x="0" y="25" class="small">0</text><text x="{w}" y="25" text-anchor="end" class="small">'
        f'{fmt(top)}</text><text x="{w + 8}" y="11" class="small">{esc(label)}</text></svg>'
    )


def bar_chart(items: Sequence[tuple[str, int, str]], *, chart_id: str, unit: str, width: int = 640) -> str:
    """Horizontal bars: (label, value, key for data-key)."""
    row, label_w = 22, 190
    height = row * len(items) + 10
    top = max((v for _, v, _ in items), default=0) or 1
    bars = []
    for i, (label, value, key) in enumerate(items):
        y = 5 + i * row
        w = round((width - label_w - 80) * value / top, 1)
        bars.append(
            f'<g class="bar" data-key="{esc(key)}" data-value="{value}"><title>{esc(label)}: {fmt(value)} '
            f'{esc(unit)}</title><text x="{label_w - 6}" y="{y + 14}" text-anchor="end" class="small">'
            f'{esc(label)}</text><rect x="{label_w}" y="{y + 2}" width="{w}" height="{row - 6}" fill="#3182bd"/>'
            f'<text x="{label_w + w + 4}" y="{y + 14}" class="small">{fmt(value)}</text></g>'
        )
    return (
        f'<svg class="chart bars" id="{esc(chart_id)}" viewBox="0 0 {width} {height}" width="100%" role="img">'
        f"{''.join(bars)}</svg>"
    )


def paired_bars(items: Sequence[tuple[str, int, int]], *, chart_id: str, labels: tuple[str, str], width: int = 640):
    """Two bars per item (e.g. records in vs entities): (label, first, second)."""
    group, label_w = 48, 190
    height = group * len(items) + 30
    top = max((max(a, b) for _, a, b in items), default=0) or 1
    span = width - label_w - 90
    out = []
    for i, (label, a, b) in enumerate(items):
        y = 5 + i * group
        wa, wb = round(span * a / top, 1), round(span * b / top, 1)
        out.append(
            f'<g class="pair" data-key="{esc(label)}"><text x="{label_w - 6}" y="{y + 24}" text-anchor="end" '
            f'class="small">{esc(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{wa}" height="18" fill="#9ecae1"><title>{esc(label)}: '
            f"{esc(labels[0])} {fmt(a)}</title></rect>"
            f'<text x="{label_w + wa + 4}" y="{y + 16}" class="small">{fmt(a)}</text>'
            f'<rect x="{label_w}" y="{y + 22}" width="{wb}" height="18" fill="#08519c"><title>{esc(label)}: '
            f"{esc(labels[1])} {fmt(b)}</title></rect>"
            f'<text x="{label_w + wb + 4}" y="{y + 36}" class="small">{fmt(b)}</text></g>'
        )
    ly = height - 14
    key = (
        f'<rect x="{label_w}" y="{ly}" width="12" height="12" fill="#9ecae1"/><text x="{label_w + 16}" y="{ly + 10}" '
        f'class="small">{esc(labels[0])}</text><rect x="{label_w + 200}" y="{ly}" width="12" height="12" '
        f'fill="#08519c"/><text x="{label_w + 216}" y="{ly + 10}" class="small">{esc(labels[1])}</text>'
    )
    return (
        f'<svg class="chart pairs" id="{esc(chart_id)}" viewBox="0 0 {width} {height}" width="100%" role="img">'
        f"{''.join(out)}{key}</svg>"
    )


LINE_COLOURS = ("#d94801", "#3182bd", "#31a354", "#756bb1")


def line_chart(
    x_labels: Sequence[str],
    lines: dict[str, list[int | None]],
    *,
    chart_id: str,
    width: int = 640,
    height: int = 220,
    marks: Sequence[tuple[int, str]] = (),
) -> str:
    """One polyline per measure over the runs (oldest left); a point per run with its value in a <title>.
    ``marks``: (run index, text) drawn as a dashed vertical line at that run, the text in its <title> (e.g. where
    a measure's definition changed)."""
    left, right, top_pad, bottom = 56, 16, 12, 48
    n = len(x_labels)
    top = max((v for vals in lines.values() for v in vals if v is not None), default=0) or 1
    plot_w, plot_h = width - left - right, height - top_pad - bottom

    def x(i: int) -> float:
        return round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(v: int) -> float:
        return round(top_pad + plot_h * (1 - v / top), 1)

    parts = [
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top_pad + 8}" text-anchor="end" class="small">{fmt(top)}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" class="small">0</text>',
    ]
    for i, label in enumerate(x_labels):
        if n <= 8 or i in (0, n - 1) or i % max(1, n // 6) == 0:
            anchor = "end" if i == n - 1 and n > 1 else "start" if i == 0 and n > 1 else "middle"
            parts.append(
                f'<text x="{x(i)}" y="{height - bottom + 16}" text-anchor="{anchor}" class="small">{esc(label)}</text>'
            )
    for i, text in marks:
        parts.append(
            f'<line class="definition-change" data-run-index="{i}" x1="{x(i)}" y1="{top_pad}" x2="{x(i)}" '
            f'y2="{top_pad + plot_h}" stroke="#555" stroke-dasharray="4 3"><title>{esc(text)}</title></line>'
        )
    lx = left
    for k, (name, values) in enumerate(lines.items()):
        c = LINE_COLOURS[k % len(LINE_COLOURS)]
        pts = [(x(i), y(v), v, x_labels[i]) for i, v in enumerate(values) if v is not None]
        if len(pts) > 1:
            path = " ".join(f"{a},{b}" for a, b, _, _ in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
        parts += [
            f'<circle cx="{a}" cy="{b}" r="3" fill="{c}" data-series="{esc(name)}" data-value="{v}">'
            f"<title>{esc(name)} — {esc(lab)}: {fmt(v)}</title></circle>"
            for a, b, v, lab in pts
        ]
        parts.append(
            f'<rect x="{lx}" y="{height - 18}" width="12" height="4" fill="{c}"/>'
            f'<text x="{lx + 16}" y="{height - 12}" class="small">{esc(name)}</text>'
        )
        lx += 16 + 6 * len(name) + 24  # next legend entry after this label (about 6 px per character at 11 px)
    return (
        f'<svg class="chart trend" id="{esc(chart_id)}" viewBox="0 0 {width} {height}" width="100%" role="img">'
        f"{''.join(parts)}</svg>"
    )


def sparkline(values: Sequence[int | None], width: int = 80, height: int = 18) -> str:
    """A tiny trend line (last point marked); empty when fewer than two runs recorded the measure."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    top = max(v for _, v in known) or 1
    n = len(values)
    pts = [(round(2 + (width - 4) * i / (n - 1), 1), round(height - 2 - (height - 4) * v / top, 1)) for i, v in known]
    path = " ".join(f"{a},{b}" for a, b in pts)
    lx, ly = pts[-1]
    title = " → ".join(fmt(v) for _, v in known)
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
        f'<title>{esc(title)}</title><polyline points="{path}" fill="none" stroke="#d94801" stroke-width="1.5"/>'
        f'<circle cx="{lx}" cy="{ly}" r="2" fill="#d94801"/></svg>'
    )
