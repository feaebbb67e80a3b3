"""Charts drawn on the server as SVG, so the pages work without JavaScript and print well."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.money import format_rupiah

COLOURS = ["#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d"]


def bar_chart_svg(items: list[tuple[str, Decimal]], *, title: str) -> SafeString:
    """Return a horizontal bar chart of (label, amount) as inline SVG, scaled to its width."""
    items = [(label, Decimal(v)) for label, v in items if Decimal(v) > 0]
    if not items:
        return mark_safe("")
    top = max(v for _l, v in items)
    row, width = 34, 320
    height = row * len(items) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="kenanga-chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        bar = max(float(value / top) * (width - 4), 1.0)
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<text x="2" y="{y + 11}" font-size="11" fill="#212529">{escape(label)}</text>'
            f'<rect x="2" y="{y + 14}" width="{bar:.1f}" height="12" rx="2" fill="{colour}"/>'
            f'<text x="{width - 2}" y="{y + 11}" font-size="11" text-anchor="end" '
            f'fill="#495057">{escape(format_rupiah(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
