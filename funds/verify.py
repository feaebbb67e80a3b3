"""Recompute the ledger's invariants from its rows: the auditor's check.

Reads the postings once, in sequence order and in chunks, so memory stays flat
however long the ledger is. Returns every violation found, not just the first.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Sum

from core.chain import known_keys
from funds.models import (
    ZERO,
    Account,
    ClosedPeriod,
    Commitment,
    LedgerHead,
    Posting,
    StatementSignoff,
    Transaction,
)
from funds.services import transaction_hash
from funds.statements import Statements, statements_for_period

CHUNK = 5000


def _postings_by_transaction(pks: list[int]) -> dict[int, list[tuple[int, Decimal]]]:
    rows = (
        Posting.objects.filter(transaction_id__in=pks)
        .order_by("pk")
        .values_list("transaction_id", "account_id", "amount")
    )
    result: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for txn_id, account_id, amount in rows:
        result[txn_id].append((account_id, amount))
    return result


def _check_anchors(periods, signoffs, hash_at: dict[int, str]) -> list[str]:
    """Check each closed month's head and each sign-off against the chain just read."""
    problems = []
    for period in sorted(periods, key=lambda p: (p.year, p.month)):
        if hash_at.get(period.last_sequence) != period.last_hash:
            problems.append(
                f"Periode {period.month:02d}/{period.year}: kepala rantai saat tutup buku "
                f"(#{period.last_sequence} {period.last_hash[:16]}) tidak ada lagi di rantai."
            )
    for signoff in signoffs:
        label = f"Laporan {signoff.date_from:%d/%m/%Y}–{signoff.date_to:%d/%m/%Y} yang disahkan"
        if hash_at.get(signoff.last_sequence) != signoff.last_hash:
            problems.append(f"{label}: posisi rantai saat disahkan tidak ada lagi di rantai.")
            continue
        now = statements_for_period(
            date_from=signoff.date_from,
            date_to=signoff.date_to,
            up_to_sequence=signoff.last_sequence,
        )
        if now.figures_hash != signoff.figures_hash:
            problems.append(f"{label}: angka dari buku besar tidak sama dengan sidik angkanya.")
        elif Statements.from_snapshot(signoff.figures).figures_hash != signoff.figures_hash:
            problems.append(f"{label}: angka yang tersimpan tidak sama dengan sidik angkanya.")
    return problems


def ledger_verify() -> list[str]:
    """Return a readable line for every broken invariant (empty when all hold)."""
    problems: list[str] = []
    keys = known_keys()
    sums: dict[int, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[int, int] = defaultdict(int)
    periods = list(ClosedPeriod.objects.all().only("year", "month", "last_sequence", "last_hash"))
    closed = {(p.year, p.month): p.last_sequence for p in periods}
    signoffs = list(StatementSignoff.objects.order_by("pk"))
    # Chain positions recorded outside the chain: closed months and sign-offs.
    anchors = {p.last_sequence for p in periods} | {s.last_sequence for s in signoffs}
    hash_at: dict[int, str] = {0: ""}
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
        "key_id",
    )
    last_seq = -1
    while True:
        # Read in the chain's order: a booking may take its transaction's key before the
        # ledger's locks (decision 49), so keys need not follow the chain.
        batch = list(
            Transaction.objects.filter(sequence__gt=last_seq)
            .order_by("sequence")
            .values_list(*columns)[:CHUNK]
        )
        if not batch:
            break
        last_seq = batch[-1][1]
        postings = _postings_by_transaction([row[0] for row in batch])
        for row in batch:
            pk, seq, kind, date, desc, rtype, rid, rev_id, prog, area, asnaf, digest, prev, key = (
                row
            )
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
            if key not in keys:
                problems.append(
                    f"{label}: disegel dengan kunci rantai '{key}' yang tidak dikenal "
                    "(KENANGA_CHAIN_KEY / KENANGA_CHAIN_OLD_KEYS)."
                )
                key = None
            recomputed = key and transaction_hash(
                key_id=key,
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
            if key and recomputed != digest:
                problems.append(f"{label}: hash tidak cocok dengan isinya (data diubah).")
            prev_hash = digest
            if seq in anchors:
                hash_at[seq] = digest
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

    head = LedgerHead.objects.filter(pk=1).first()
    if head and (head.last_hash != prev_hash or head.last_sequence != expected_seq - 1):
        problems.append("Kepala rantai tidak menunjuk transaksi terakhir (ada yang dihapus?).")

    problems += _check_anchors(periods, signoffs, hash_at)

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
