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
    # How money received for this kind of record is named in the cash-flow statement.
    source_label: str = ""


_OWNERS: dict[str, ReferenceOwner] = {}


def register_reference(
    reference_type: str, *, label, url: Callable[[str], str], source_label=""
) -> None:
    """Register the owner of `reference_type` (`app_label.modelname`): a label and a URL maker.

    `source_label` names the money received for such records (the cash-flow
    statement's "receipts by source"); without it the record's label is used.
    """
    _OWNERS[reference_type] = ReferenceOwner(label=label, url=url, source_label=source_label)


def reference_owner(reference_type: str) -> ReferenceOwner | None:
    return _OWNERS.get(reference_type)


def reference_link(reference_type: str, reference_id: str) -> tuple[str, str | None]:
    """Return (label, URL or None) of the record a transaction belongs to."""
    owner = reference_owner(reference_type)
    if owner is None:
        return f"{reference_type} #{reference_id}", None
    return f"{owner.label} #{reference_id}", owner.url(reference_id)
