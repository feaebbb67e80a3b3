"""Charts drawn on the server as SVG, so the pages work without JavaScript and print well."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.money import format_rupiah

COLOURS = ["#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#20c997", "#dc3545", "#6c757d"]
ROW, WIDTH = 46, 320


def bar_chart_svg(items: list[tuple[str, Decimal]], *, title: str) -> SafeString:
    """Return a horizontal bar chart of (label, amount) as inline SVG, scaled to its width."""
    items = [(str(label), Decimal(v)) for label, v in items if Decimal(v) > 0]
    if not items:
        return SafeString("")
    top = max(v for _l, v in items)
    bars = format_html_join(
        "",
        '<text x="2" y="{}" font-size="11" fill="#212529">{}</text>'
        '<rect x="2" y="{}" width="{}" height="12" rx="2" fill="{}"/>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#495057">{}</text>',  # below
        (
            (
                i * ROW + 15,
                label,
                i * ROW + 18,
                f"{max(float(value / top) * (WIDTH - 4), 1.0):.1f}",
                COLOURS[i % len(COLOURS)],
                WIDTH - 2,
                i * ROW + 42,
                format_rupiah(value),
            )
            for i, (label, value) in enumerate(items)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" class="kenanga-chart"><title>{}</title>{}</svg>',
        WIDTH,
        ROW * len(items) + 8,
        title,
        title,
        bars,
    )
