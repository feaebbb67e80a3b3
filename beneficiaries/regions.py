"""Kemendagri region codes shipped with the app (data/ATTRIBUTION.md)."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "regions-13-33.csv.gz"
LEVEL_BY_LENGTH = {2: 1, 5: 2, 8: 3, 13: 4}  # dotted code length -> Region.Level


def region_rows(path: Path = DATA_FILE) -> list[tuple[str, str, int, str | None]]:
    """Return (code, name, level, parent code) for every region in the data file."""
    with gzip.open(path, "rb") as fh:
        reader = csv.DictReader(io.TextIOWrapper(fh, encoding="utf-8"))
        rows = []
        for row in reader:
            code = row["code"].strip()
            level = LEVEL_BY_LENGTH[len(code)]
            parent = code.rsplit(".", 1)[0] if level > 1 else None
            rows.append((code, row["name"].strip(), level, parent))
    return rows


def load_regions(region_model, path: Path = DATA_FILE) -> int:
    """Insert the regions not yet present and rename changed ones; return how many changed."""
    existing = dict(region_model.objects.values_list("code", "name"))
    new, renamed = [], []
    for code, name, level, parent in region_rows(path):  # parents come before children
        if code not in existing:
            new.append(region_model(code=code, name=name, level=level, parent_id=parent))
        elif existing[code] != name:
            renamed.append(region_model(code=code, name=name, level=level, parent_id=parent))
    region_model.objects.bulk_create(new, batch_size=2000)
    region_model.objects.bulk_update(renamed, ["name"], batch_size=2000)
    return len(new) + len(renamed)
