"""Small server-side SVG charts (no JavaScript, no CDN): accessible, printable, cacheable."""
from __future__ import annotations

from collections.abc import Callable
from html import escape

COLOURS = {"present": "#15803d", "late": "#ca8a04", "substitute": "#2563eb", "medical": "#7c3aed",
           "absent": "#b91c1c", None: "#d1d5db"}


def bar_chart(values: list[tuple[str, float | None]], title: str, width: int = 640, height: int = 220,
              empty: str = "No data") -> str:
    """Vertical bars of rates in [0, 1], labelled below; None draws a hatched gap."""
    pad_left, pad_bottom, pad_top = 36, 40, 24
    plot_w, plot_h = width - pad_left - 8, height - pad_bottom - pad_top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>']
    for tick in (0, 0.5, 1):
        y = pad_top + plot_h * (1 - tick)
        parts.append(f'<line x1="{pad_left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
                     f'<text x="{pad_left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#4b5563">{int(tick * 100)}%</text>')
    if not values:
        parts.append(f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" font-size="14" '
                     f'fill="#4b5563">{escape(empty)}</text></svg>')
        return "".join(parts)
    step = plot_w / len(values)
    bar = max(2.0, step * 0.7)
    label_every = max(1, len(values) // 8)
    for index, (label, value) in enumerate(values):
        x = pad_left + index * step + (step - bar) / 2
        if value is None:
            parts.append(f'<rect x="{x:.1f}" y="{pad_top + plot_h - 3}" width="{bar:.1f}" height="3" fill="#d1d5db">'
                         f'<title>{escape(label)}: —</title></rect>')
        else:
            h = plot_h * max(0.0, min(1.0, value))
            parts.append(f'<rect x="{x:.1f}" y="{pad_top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="#1d4ed8" rx="2"><title>{escape(label)}: {value * 100:.0f}%</title></rect>')
        if index % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - pad_bottom + 16}" text-anchor="middle" '
                         f'font-size="10" fill="#374151">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def record_strip(entries: list[tuple[str, str | None]], title: str, legend: dict[str | None, str],
                 width: int = 640) -> str:
    """One coloured square per meeting (PALMS code), with a legend."""
    size, gap = 16, 4
    per_row = max(1, (width - 8) // (size + gap))
    rows = max(1, -(-len(entries) // per_row))
    height = rows * (size + gap) + 34
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>']
    for index, (label, code) in enumerate(entries):
        x, y = 4 + (index % per_row) * (size + gap), 4 + (index // per_row) * (size + gap)
        colour = COLOURS.get(code, "#d1d5db")
        parts.append(f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="3" fill="{colour}">'
                     f'<title>{escape(label)}: {escape(legend.get(code, "—"))}</title></rect>')
    x = 4
    for code, name in legend.items():
        parts.append(f'<rect x="{x}" y="{height - 18}" width="12" height="12" rx="2" fill="{COLOURS.get(code)}"/>'
                     f'<text x="{x + 16}" y="{height - 8}" font-size="11" fill="#374151">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def _nice_ticks(top: float, count: int = 4, whole: bool = False) -> list[float]:
    """0 and a few round steps reaching at least ``top`` (1, 2, 2.5 or 5 times a power of ten; no 2.5 for
    ``whole`` numbers such as counts)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next((m * power for m in steps if m * power >= raw), 10 * power)
    if top <= count and raw < 1:
        step = 1
    ticks, value = [0.0], 0.0
    while value < top:
        value += step
        ticks.append(value)
    return ticks


def _plain(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def grouped_bars(labels: list[str], series: list[tuple[str, list[float], str]], title: str, width: int = 400,
                 height: int = 240, value_text: Callable[[str, str, float], str] | None = None) -> str:
    """Bars side by side per label (e.g. referrals given and received per month), with a legend above.

    ``series``: (name, one value per label, colour). ``value_text(label, name, value)`` is the tooltip
    of one bar, in the reader's words ("Nov: 3 given").
    """
    pad_left, pad_right, pad_top, pad_bottom = 30, 6, 40, 30
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    top = max((v for _name, values, _c in series for v in values), default=0)
    ticks = _nice_ticks(top, whole=True)
    scale = plot_h / ticks[-1]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>']
    x = pad_left
    for name, _values, colour in series:  # the legend
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" rx="2" fill="{colour}"/>'
                     f'<text x="{x + 17}" y="18.5" font-size="14" fill="#374151">{escape(name)}</text>')
        x += 36 + 8 * len(name)
    for tick in ticks:
        y = pad_top + plot_h - tick * scale
        parts.append(f'<line x1="{pad_left}" x2="{width - pad_right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
                     f'<text x="{pad_left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="13" '
                     f'fill="#4b5563">{_plain(tick)}</text>')
    step = plot_w / max(1, len(labels))
    group = step * 0.72
    bar = group / max(1, len(series))
    for index, label in enumerate(labels):
        left = pad_left + index * step + (step - group) / 2
        for number, (name, values, colour) in enumerate(series):
            value = values[index] if index < len(values) else 0
            h = value * scale
            tip = value_text(label, name, value) if value_text else f"{label}: {_plain(value)}"
            bx = left + number * bar + 1
            if value:
                parts.append(f'<rect x="{bx:.1f}" y="{pad_top + plot_h - h:.1f}" width="{bar - 2:.1f}" '
                             f'height="{h:.1f}" fill="{colour}" rx="2"><title>{escape(tip)}</title></rect>')
                parts.append(f'<text x="{bx + (bar - 2) / 2:.1f}" y="{pad_top + plot_h - h - 4:.1f}" '
                             f'text-anchor="middle" font-size="12" fill="#374151">{_plain(value)}</text>')
            else:
                parts.append(f'<rect x="{bx:.1f}" y="{pad_top + plot_h - 2}" width="{bar - 2:.1f}" height="2" '
                             f'fill="#d1d5db"><title>{escape(tip)}</title></rect>')
        parts.append(f'<text x="{left + group / 2:.1f}" y="{height - 10}" text-anchor="middle" font-size="13" '
                     f'fill="#374151">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def cumulative_line(labels: list[str], values: list[float], title: str, fmt: Callable[[float], str] = _plain,
                    short: Callable[[float], str] | None = None, width: int = 400, height: int = 240,
                    colour: str = "#0f766e", empty: str = "") -> str:
    """A running total (e.g. TYFCB cumulated per month) as a line over a shaded area.

    ``fmt`` writes a value in full (tooltips, the last point), ``short`` on the axis ("12k"); ``empty`` is
    written across the plot while every value is 0.
    """
    pad_left, pad_right, pad_top, pad_bottom = 52, 14, 36, 30
    plot_w, plot_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    ticks = _nice_ticks(max(values, default=0))
    scale = plot_h / ticks[-1]
    short = short or fmt
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>']
    for tick in ticks:
        y = pad_top + plot_h - tick * scale
        axis = escape(short(tick)) if tick == 0 or any(values) else ""
        parts.append(f'<line x1="{pad_left}" x2="{width - pad_right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
                     f'<text x="{pad_left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="13" '
                     f'fill="#4b5563">{axis}</text>')
    step = plot_w / max(1, len(labels))
    points = [(pad_left + step * (i + 0.5), pad_top + plot_h - v * scale) for i, v in enumerate(values)]
    if points:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        base = pad_top + plot_h
        parts.append(f'<polygon points="{points[0][0]:.1f},{base} {line} {points[-1][0]:.1f},{base}" '
                     f'fill="{colour}" fill-opacity="0.12"/>'
                     f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5" '
                     f'stroke-linejoin="round" stroke-linecap="round"/>')
    for index, ((x, y), label, value) in enumerate(zip(points, labels, values, strict=False)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="{colour}" stroke-width="2">'
                     f'<title>{escape(label)}: {escape(fmt(value))}</title></circle>')
        if index == len(points) - 1 and value:
            parts.append(f'<text x="{min(x, width - pad_right - 2):.1f}" y="{y - 10:.1f}" text-anchor="end" '
                         f'font-size="13" font-weight="600" fill="#134e4a">{escape(fmt(value))}</text>')
    for index, label in enumerate(labels):
        parts.append(f'<text x="{pad_left + step * (index + 0.5):.1f}" y="{height - 10}" text-anchor="middle" '
                     f'font-size="13" fill="#374151">{escape(label)}</text>')
    if empty and not any(values):
        parts.append(f'<text x="{pad_left + plot_w / 2:.1f}" y="{pad_top + plot_h / 2:.1f}" text-anchor="middle" '
                     f'font-size="13" fill="#4b5563">{escape(empty)}</text>')
    parts.append("</svg>")
    return "".join(parts)
