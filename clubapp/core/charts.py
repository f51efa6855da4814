"""Small server-side SVG charts (no JavaScript, no CDN): accessible, printable, cacheable."""
from __future__ import annotations

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
