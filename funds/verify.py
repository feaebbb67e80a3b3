"""Recompute the ledger's invariants from its rows: the auditor's check.

Reads the postings once, in sequence order and in chunks, so memory stays flat
however long the ledger is. Returns every violation found, not just the first.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Sum

from funds.models import (
    ZERO,
    Account,
    ClosedPeriod,
    Commitment,
    LedgerHead,
    Posting,
    Transaction,
)
from funds.services import transaction_hash

CHUNK = 5000


def _postings_by_transaction(first_pk: int, last_pk: int) -> dict[int, list[tuple[int, Decimal]]]:
    rows = (
        Posting.objects.filter(transaction_id__gte=first_pk, transaction_id__lte=last_pk)
        .order_by("pk")
        .values_list("transaction_id", "account_id", "amount")
    )
    result: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for txn_id, account_id, amount in rows:
        result[txn_id].append((account_id, amount))
    return result


def ledger_verify() -> list[str]:
    """Return a readable line for every broken invariant (empty when all hold)."""
    problems: list[str] = []
    sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[int, int] = defaultdict(int)
    closed = {
        (p.year, p.month): p.last_sequence
        for p in ClosedPeriod.objects.all().only("year", "month", "last_sequence")
    }
    seq_by_pk: dict[int, int] = {}
    lines_by_seq: dict[int, list[tuple[int, Decimal]]] = {}
    prev_hash, expected_seq = "", 1
    columns = (
        "pk",
        "sequence",
        "kind",
        "date",
        "description",
        "reference_type",
        "reference_id",
        "reverses_id",
        "programme",
        "area",
        "asnaf",
        "hash",
        "prev_hash",
    )
    last_pk = 0
    while True:
        batch = list(
            Transaction.objects.filter(pk__gt=last_pk).order_by("pk").values_list(*columns)[:CHUNK]
        )
        if not batch:
            break
        postings = _postings_by_transaction(batch[0][0], batch[-1][0])
        for row in sorted(batch, key=lambda r: r[1]):
            pk, seq, kind, date, desc, rtype, rid, rev_id, prog, area, asnaf, digest, prev = row
            seq_by_pk[pk] = seq
            lines = postings.get(pk, [])
            label = f"Transaksi #{seq}"
            if seq != expected_seq:
                problems.append(f"{label}: nomor urut diharapkan {expected_seq} (ada yang hilang).")
            expected_seq = seq + 1
            if prev != prev_hash:
                problems.append(f"{label}: prev_hash tidak sama dengan hash transaksi sebelumnya.")
            rev_seq = seq_by_pk.get(rev_id) if rev_id else None
            if rev_id and rev_seq is None:
                rev_seq = (
                    Transaction.objects.filter(pk=rev_id).values_list("sequence", flat=True).first()
                )
            recomputed = transaction_hash(
                sequence=seq,
                kind=kind,
                date=date,
                description=desc,
                reference_type=rtype,
                reference_id=rid,
                reverses_sequence=rev_seq,
                programme=prog,
                area=area,
                asnaf=asnaf,
                lines=lines,
                prev_hash=prev,
            )
            if recomputed != digest:
                problems.append(f"{label}: hash tidak cocok dengan isinya (data diubah).")
            prev_hash = digest
            total = sum((amount for _acc, amount in lines), ZERO)
            if len(lines) < 2:
                problems.append(f"{label}: hanya {len(lines)} baris posting.")
            if total != 0:
                problems.append(f"{label}: posting berjumlah {total}, bukan nol.")
            for account_id, amount in lines:
                sums[account_id] += amount
                counts[account_id] += 1
            if rev_id:
                original = lines_by_seq.get(rev_seq)
                if original is None:
                    original = list(
                        Posting.objects.filter(transaction_id=rev_id).values_list(
                            "account_id", "amount"
                        )
                    )
                if sorted((a, -m) for a, m in original) != sorted(lines):
                    problems.append(f"{label}: bukan kebalikan tepat dari transaksi #{rev_seq}.")
            if len(lines_by_seq) < 10000:
                lines_by_seq[seq] = lines
            closing_seq = closed.get((date.year, date.month))
            if closing_seq is not None and seq > closing_seq:
                problems.append(
                    f"{label}: bertanggal {date:%d/%m/%Y} di periode yang sudah ditutup."
                )
        last_pk = batch[-1][0]

    head = LedgerHead.objects.filter(pk=1).first()
    if head and (head.last_hash != prev_hash or head.last_sequence != expected_seq - 1):
        problems.append("Kepala rantai tidak menunjuk transaksi terakhir (ada yang dihapus?).")

    held = owed = ZERO
    committed = dict(
        Commitment.objects.filter(status=Commitment.Status.OPEN)
        .values("fund_id")
        .annotate(s=Sum(F("amount") - F("paid_amount")))
        .values_list("fund_id", "s")
    )
    for account in Account.objects.select_related("fund", "location"):
        computed = sums.get(account.pk, ZERO) * account.sign
        if computed != account.balance:
            problems.append(
                f"Akun {account}: saldo tersimpan {account.balance}, jumlah posting {computed}."
            )
        if counts.get(account.pk, 0) != account.posting_count:
            problems.append(
                f"Akun {account}: {account.posting_count} posting tercatat, "
                f"{counts.get(account.pk, 0)} ditemukan."
            )
        if computed < 0:
            problems.append(f"Akun {account}: saldo di bawah nol ({computed}).")
        if account.kind == Account.Kind.FUND:
            owed += account.balance
            expected = committed.get(account.fund_id, ZERO)
            if account.committed != expected:
                problems.append(
                    f"Dana {account}: komitmen tersimpan {account.committed}, "
                    f"komitmen terbuka {expected}."
                )
        else:
            held += account.balance
    if held != owed:
        problems.append(f"Uang yang dipegang ({held}) tidak sama dengan hak dana ({owed}).")
    return problems
