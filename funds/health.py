"""The ledger's part of the health check: the chain head agrees with the last transaction."""

from __future__ import annotations

from funds.models import LedgerHead, Transaction


def ledger_head_check() -> tuple[bool, dict]:
    """Report the chain head; fail when the head row and the newest transaction disagree.

    Cheap enough for every probe (two indexed single-row reads); the full
    recomputation stays with `manage.py verify_ledger`.
    """
    head = LedgerHead.objects.order_by("pk").first()
    last = Transaction.objects.order_by("-sequence").values("sequence", "hash").first()
    if head is None:
        return last is None, {"sequence": 0}
    if last is None:
        ok = head.last_sequence == 0
    else:
        ok = (head.last_sequence, head.last_hash) == (last["sequence"], last["hash"])
    return ok, {"sequence": head.last_sequence, "hash": head.last_hash[:16]}
