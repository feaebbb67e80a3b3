"""Who owns a ledger transaction's reference, and where its record lives.

A transaction posted for another app's record (`reference_type`, e.g.
`donors.contribution`) is corrected only through that record's own service
(a gift is reversed as a gift, so its receipt is voided too). The owning app
registers its reference types here in its AppConfig.ready(), so the ledger
screen can link to the record without funds importing the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceOwner:
    label: str
    url: Callable[[str], str]


_OWNERS: dict[str, ReferenceOwner] = {}


def register_reference(reference_type: str, *, label, url: Callable[[str], str]) -> None:
    """Register the owner of `reference_type` (`app_label.modelname`): a label and a URL maker."""
    _OWNERS[reference_type] = ReferenceOwner(label=label, url=url)


def reference_owner(reference_type: str) -> ReferenceOwner | None:
    return _OWNERS.get(reference_type)


def reference_link(reference_type: str, reference_id: str) -> tuple[str, str | None]:
    """Return (label, URL or None) of the record a transaction belongs to."""
    owner = reference_owner(reference_type)
    if owner is None:
        return f"{reference_type} #{reference_id}", None
    return f"{owner.label} #{reference_id}", owner.url(reference_id)
