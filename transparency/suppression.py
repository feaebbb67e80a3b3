"""Small-cell suppression of household counts on public pages.

A cell counting 1 to 4 households is shown as "<5" (primary suppression).
Because the totals are public, one hidden cell could be recovered by
subtracting the visible cells from the total; so further cells are hidden
(secondary suppression, shown as "*") until no hidden cell's value can be
pinned down from what is shown. A reader knows a "<5" cell holds 1 to 4 and
a "*" cell holds at least 5; `recoverable` solves exactly that puzzle, and
the tests prove it is never solvable.
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
PRIMARY = "<5"
SECONDARY = "*"


@dataclass
class Suppressed:
    shown: list[str]  # per cell: the number, "<5" or "*"
    total: str  # the total, or "*" when even that would give a cell away


def _bounds(mark: str, value: int) -> tuple[int, float]:
    if mark == PRIMARY:
        return 1, THRESHOLD - 1
    if mark == SECONDARY:
        return THRESHOLD, float("inf")
    return value, value


def recoverable(shown: list[str], total: str) -> list[int]:
    """Return the indexes of hidden cells whose exact value a reader can work out."""
    if total in (SECONDARY, PRIMARY):
        hidden_sum = None
    else:
        visible = sum(int(s) for s in shown if s not in (PRIMARY, SECONDARY))
        hidden_sum = int(total) - visible
    hidden = [i for i, s in enumerate(shown) if s in (PRIMARY, SECONDARY)]
    pinned = []
    for i in hidden:
        lo, hi = _bounds(shown[i], 0)
        if hidden_sum is not None:
            others_lo = sum(_bounds(shown[j], 0)[0] for j in hidden if j != i)
            others_hi = sum(_bounds(shown[j], 0)[1] for j in hidden if j != i)
            lo = max(lo, hidden_sum - others_hi)
            hi = min(hi, hidden_sum - others_lo)
        if lo == hi:
            pinned.append(i)
    return pinned


def suppress(values: list[int], total: int | None = None) -> Suppressed:
    """Hide small counts so that no hidden count can be recovered from the rest."""
    total = sum(values) if total is None else total
    shown = [PRIMARY if 0 < v < THRESHOLD else str(v) for v in values]
    shown_total = PRIMARY if 0 < total < THRESHOLD else str(total)
    while recoverable(shown, shown_total):
        candidates = [
            (v, i) for i, v in enumerate(values) if shown[i] not in (PRIMARY, SECONDARY) and v > 0
        ]
        if candidates:
            _v, i = min(candidates)
            shown[i] = SECONDARY if values[i] >= THRESHOLD else PRIMARY
        else:
            shown_total = SECONDARY
    return Suppressed(shown=shown, total=shown_total)


def suppress_tables(tables: list[list[int]], total: int) -> tuple[list[Suppressed], str]:
    """Suppress several breakdowns of the same total (by programme, by desa) together.

    When one table can only be protected by hiding the total, the total is
    hidden in every table and in the headline, or the others would give it back.
    """
    results = [suppress(values, total) for values in tables]
    if any(r.total == SECONDARY for r in results):
        results = [suppress_without_total(values) for values in tables]
        return results, SECONDARY
    headline = PRIMARY if 0 < total < THRESHOLD else str(total)
    return results, headline


def suppress_without_total(values: list[int]) -> Suppressed:
    shown = [PRIMARY if 0 < v < THRESHOLD else str(v) for v in values]
    return Suppressed(shown=shown, total=SECONDARY)
