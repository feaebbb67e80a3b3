"""Every write to the ledger. Other apps call these; nothing else creates postings.

Locking order, the same everywhere so that concurrent writers cannot deadlock:
commitment rows, then the transaction being reversed, then ledger accounts
(ascending pk), then the ledger head row (which also orders the hash chain).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import _lock_head as audit_lock_head
from core.audit import audit_entry_new, audit_entry_seal, audit_log, diff, snapshot
from core.chain import current_key_id, seal
from core.db import insert_row, insert_statement, run_together
from core.money import MoneyError, format_rupiah, parse_amount
from core.organisation import get_organisation
from funds.errors import LedgerError
from funds.models import (
    ZERO,
    Account,
    ClosedPeriod,
    Commitment,
    Fund,
    LedgerHead,
    LedgerMonth,
    MoneyLocation,
    Posting,
    Programme,
    ShareLimit,
    Transaction,
)
from funds.references import reference_link
from funds.selectors import ledger_month_snapshot_rows

ASNAF = (
    "fakir",
    "miskin",
    "amil",
    "mualaf",
    "riqab",
    "gharimin",
    "fi_sabilillah",
    "ibnu_sabil",
)
DEFAULT_LIMITS = {
    ShareLimit.Kind.AMIL_FROM_ZAKAT: Decimal("12.50"),
    ShareLimit.Kind.COSTS_FROM_INFAK: Decimal("20.00"),
}
CENT = Decimal("0.01")


# --- helpers -------------------------------------------------------------------------------
def _amount(value, *, allow_negative: bool = False) -> Decimal:
    """Return `value` as an exact 2-place Decimal, refusing floats and zero."""
    if isinstance(value, float):
        raise LedgerError(_("Jumlah uang harus Decimal, bukan float."))
    try:
        if isinstance(value, str):
            amount = parse_amount(value, allow_negative=allow_negative)
        else:
            amount = Decimal(value)
    except (MoneyError, ArithmeticError, TypeError, ValueError) as exc:
        raise LedgerError(_("Jumlah tidak terbaca: %(v)s") % {"v": value}) from exc
    if amount != amount.quantize(CENT):
        raise LedgerError(_("Jumlah %(v)s memiliki lebih dari dua angka desimal.") % {"v": value})
    amount = amount.quantize(CENT)
    if amount == 0 or (amount < 0 and not allow_negative):
        raise LedgerError(_("Jumlah harus lebih dari nol."))
    return amount


def _reference_parts(reference: models.Model | None) -> tuple[str, str]:
    if reference is None:
        return "", ""
    if reference.pk is None:
        raise LedgerError(_("Catatan rujukan belum disimpan."))
    return reference._meta.label_lower, str(reference.pk)


def _account_of(owner: Fund | MoneyLocation) -> Account:
    if isinstance(owner, Fund):
        return Account.objects.get_or_create(kind=Account.Kind.FUND, fund=owner)[0]
    return Account.objects.get_or_create(kind=Account.Kind.LOCATION, location=owner)[0]


def _accounts_of(fund: Fund, location: MoneyLocation) -> tuple[Account, Account]:
    """Return the accounts of a fund and of a money location in one query (created if missing)."""
    found = Account.objects.select_related("fund", "location").filter(
        models.Q(kind=Account.Kind.FUND, fund=fund)
        | models.Q(kind=Account.Kind.LOCATION, location=location)
    )
    by_kind = {a.kind: a for a in found}
    fund_account = by_kind.get(Account.Kind.FUND) or _account_of(fund)
    location_account = by_kind.get(Account.Kind.LOCATION) or _account_of(location)
    return fund_account, location_account


def _lock_accounts(accounts: Iterable[Account]) -> dict[int, Account]:
    """Lock the accounts in ascending pk order and return fresh copies by pk."""
    ids = sorted({a.pk for a in accounts})
    locked = Account.objects.select_for_update(of=("self",), no_key=True).select_related(
        "fund", "location"
    )
    return {a.pk: a for a in locked.filter(pk__in=ids).order_by("pk")}


def _lock_balances(ids: Sequence[int]) -> dict[int, tuple[Decimal, Decimal, int]]:
    """Lock the accounts in ascending pk order; return {pk: (balance, committed, posting_count)}.

    The posting path's lock: one plain statement, the accounts' names being read before it.
    """
    sql = _LOCK_ACCOUNTS.get((connection.vendor, len(ids)))
    if sql is None:
        sql = _LOCK_ACCOUNTS[(connection.vendor, len(ids))] = (
            "SELECT id, balance, committed, posting_count FROM funds_account "
            f"WHERE id IN ({', '.join(['%s'] * len(ids))}) ORDER BY id" + _for_no_key_update()
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(ids))
        return {pk: (_money(b), _money(c), int(n)) for pk, b, c, n in cursor.fetchall()}


_LOCK_ACCOUNTS: dict[tuple[str, int], str] = {}


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def _for_no_key_update() -> str:
    # An account's balance changes, never its key: inserting a row that refers to the
    # account (a month's snapshot while a month closes) must not wait for its writer.
    if connection.features.has_select_for_no_key_update:
        return " FOR NO KEY UPDATE"
    return _for_update()


def _money(value) -> Decimal:
    # PostgreSQL returns Decimal; SQLite a number, read as Django's converter reads it.
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT)


def _lock_head() -> LedgerHead:
    try:
        return LedgerHead.objects.select_for_update().get(pk=1)
    except LedgerHead.DoesNotExist:
        # First posting ever; get_or_create survives a concurrent first posting.
        LedgerHead.objects.get_or_create(pk=1)
        return LedgerHead.objects.select_for_update().get(pk=1)


def _lock_heads(date: dt.date) -> tuple[int, str, int, str, bool, int | None]:
    """Lock the ledger head, then the audit head; return both, whether `date` is closed,
    and on PostgreSQL the new transaction's key.

    The closing check and the key are taken once the ledger head is held:
    period_close holds it too, so no month can close between this check and
    COMMIT, and single postings get keys in the chain's order (a booking may
    take its key ahead, decision 49: verify_ledger reads by sequence).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_sequence, last_hash FROM funds_ledgerhead WHERE id = 1" + _for_update()
        )
        ledger = cursor.fetchone()
        if ledger is None:
            _lock_head()  # the first posting ever creates the row
            return _lock_heads(date)
        next_key = (
            ", nextval(pg_get_serial_sequence('funds_transaction', 'id'))"
            if connection.vendor == "postgresql"
            else ", NULL"
        )
        cursor.execute(
            "SELECT last_sequence, last_hash, EXISTS (SELECT 1 FROM funds_closedperiod "
            f"WHERE year = %s AND month = %s){next_key} FROM core_audithead WHERE id = 1"
            + _for_update(),
            [date.year, date.month],
        )
        audit = cursor.fetchone()
    if audit is None:
        audit_lock_head()  # the first audit entry ever creates the row
        return _lock_heads(date)
    return int(ledger[0]), ledger[1], int(audit[0]), audit[1], bool(audit[2]), audit[3]


def period_is_closed(date: dt.date) -> bool:
    return ClosedPeriod.objects.filter(year=date.year, month=date.month).exists()


def _closed_error(date: dt.date) -> LedgerError:
    return LedgerError(
        _(
            "Periode %(m)02d/%(y)s sudah ditutup; catat koreksi dengan tanggal di periode "
            "yang masih terbuka."
        )
        % {"m": date.month, "y": date.year}
    )


def _refuse_closed(date: dt.date) -> None:
    if period_is_closed(date):
        raise _closed_error(date)


def transaction_hash(
    *,
    sequence: int,
    kind: str,
    date: dt.date,
    description: str,
    reference_type: str,
    reference_id: str,
    reverses_sequence: int | None,
    programme: str,
    area: str,
    asnaf: str,
    lines: Sequence[tuple[int, Decimal]],
    prev_hash: str,
    key_id: str | None = None,
) -> str:
    """Return the keyed hash (HMAC-SHA256) of a transaction's content and the previous hash.

    The key comes from the environment (core.chain), so rewriting a transaction
    and its successors needs a secret the database does not hold.
    """
    key_id = key_id or current_key_id()
    content = {
        "key": key_id,
        "seq": sequence,
        "kind": str(kind),
        "date": date.isoformat(),
        "desc": description,
        "ref": [reference_type, reference_id],
        "rev": reverses_sequence,
        "prog": programme,
        "area": area,
        "asnaf": asnaf,
        "lines": sorted([int(acc), str(Decimal(amt).quantize(CENT))] for acc, amt in lines),
        "prev": prev_hash,
    }
    return seal(content, key_id=key_id)


def _insufficient(account: Account, needed: Decimal, have: Decimal) -> LedgerError:
    return LedgerError(
        _("Saldo %(acc)s tidak cukup: tersedia %(have)s, dibutuhkan %(need)s.")
        % {"acc": account, "have": format_rupiah(have), "need": format_rupiah(needed)}
    )


# --- the one low-level writer -----------------------------------------------------------------
@transaction.atomic
def transaction_post(
    *,
    kind,
    date: dt.date,
    description: str,
    lines: list[tuple[Account, Decimal]],
    reference: models.Model | None = None,
    actor,
    reverses: Transaction | None = None,
    programme: str = "",
    area: str = "",
    asnaf: str = "",
    reference_type: str | None = None,
    reference_id: str | None = None,
) -> Transaction:
    """Post a balanced transaction: lock its accounts, check, chain, write, audit."""
    return _post(
        kind=kind,
        date=date,
        description=description,
        lines=lines,
        reference=reference,
        actor=actor,
        reverses=reverses,
        programme=programme,
        area=area,
        asnaf=asnaf,
        reference_type=reference_type,
        reference_id=reference_id,
    )


def _post(
    *,
    kind,
    date: dt.date,
    description: str,
    lines: list[tuple[Account, Decimal]],
    reference: models.Model | None = None,
    actor,
    reverses: Transaction | None = None,
    programme: str = "",
    area: str = "",
    asnaf: str = "",
    reference_type: str | None = None,
    reference_id: str | None = None,
    key: int | None = None,
) -> Transaction:
    """transaction_post's work, for services already inside their own transaction.

    Called from an `atomic` service it needs no savepoint of its own: an error
    here rolls back the whole service anyway (two statements fewer per posting).
    """
    if kind not in Transaction.Kind.values:
        raise LedgerError(_("Jenis transaksi tidak dikenal: %(k)s") % {"k": kind})
    if programme:
        # Registered is enough here: a reversal of an old payment keeps a retired code.
        programme_check(code=programme, active_only=False)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise LedgerError(_("Tanggal transaksi wajib diisi."))
    # Cut to the stored length before hashing, so that the chain verifies.
    description = (description or "").strip()[:255]
    if not description:
        raise LedgerError(_("Uraian transaksi wajib diisi."))
    if len(lines) < 2:
        raise LedgerError(_("Satu transaksi membutuhkan paling sedikit dua baris."))
    clean = [(account, _amount(amount, allow_negative=True)) for account, amount in lines]
    if sum((amount for _a, amount in clean), ZERO) != 0:
        raise LedgerError(_("Baris transaksi tidak berjumlah nol; transaksi ditolak."))
    ref_type, ref_id = _reference_parts(reference)
    if reference_type is not None:
        ref_type, ref_id = reference_type, reference_id or ""

    ids = sorted({a.pk for a, _amt in clean})
    # Everything that needs no lock is done before the first lock (decision 48): the
    # accounts' names for the audit entry, the rows to write. A closed month is refused
    # under the ledger head, where no closing can slip in (one query fewer per posting).
    accounts = {a.pk: a for a, _amt in clean}
    if not all(_described(a) for a in accounts.values()):
        accounts = Account.objects.select_related("fund", "location").in_bulk(ids)
    if len(accounts) != len(ids):
        raise LedgerError(_("Akun buku besar tidak ditemukan."))
    lines = [(accounts[a.pk], amount) for a, amount in clean]
    entry = audit_entry_new(
        None,
        "funds.transaction.posted",
        actor=actor,
        object_type=Transaction._meta.label_lower,
        changes={
            "kind": kind,
            "date": date,
            "lines": [[str(acc), str(amount)] for acc, amount in lines],
            "reverses": reverses.sequence if reverses else None,
        },
    )
    txn = Transaction(
        kind=kind,
        date=date,
        description=description,
        reference_type=ref_type,
        reference_id=ref_id,
        reverses=reverses,
        programme=programme,
        area=area,
        asnaf=asnaf,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )

    # From the first lock to COMMIT every other writer of these accounts (and, from the
    # heads on, every writer of the ledger) waits: one short statement per step.
    held = _lock_balances(ids)
    if len(held) != len(ids):
        raise LedgerError(_("Akun buku besar tidak ditemukan."))
    last_sequence, last_hash, audit_sequence, audit_hash, closed, txn_id = _lock_heads(date)
    txn_id = key or txn_id
    if closed:
        raise _closed_error(date)
    balance = {pk: figures[0] for pk, figures in held.items()}
    count = {pk: figures[2] for pk, figures in held.items()}
    postings = []
    for acc, amount in lines:
        change = amount * acc.sign
        balance[acc.pk] += change
        count[acc.pk] += 1
        # Money reserved by open commitments may not be taken by anything else.
        floor = held[acc.pk][1] if change < 0 else ZERO
        if balance[acc.pk] < floor:
            raise _insufficient(acc, -change, balance[acc.pk] - change - floor)
        postings.append(Posting(account=acc, amount=amount, balance_after=balance[acc.pk]))

    txn.sequence, txn.prev_hash, txn.key_id = last_sequence + 1, last_hash, current_key_id()
    txn.hash = transaction_hash(
        key_id=txn.key_id,
        sequence=txn.sequence,
        kind=kind,
        date=date,
        description=description,
        reference_type=ref_type,
        reference_id=ref_id,
        reverses_sequence=reverses.sequence if reverses else None,
        programme=programme,
        area=area,
        asnaf=asnaf,
        lines=[(p.account.pk, p.amount) for p in postings],
        prev_hash=last_hash,
    )
    if txn_id is None:
        insert_row(txn)  # SQLite numbers it; writers are serialised there anyway
        writes = []
    else:
        txn.pk = txn_id
        writes = [insert_statement([txn])]
    for posting in postings:
        posting.transaction = txn
    entry.object_id, entry.object_repr = str(txn.pk), str(txn)[:255]
    # The rest in one round trip on PostgreSQL: postings, balances, head, audit entry.
    run_together(
        [
            *writes,
            insert_statement(postings),
            (
                _accounts_update_sql(len(ids)),
                [v for pk in ids for v in (pk, balance[pk])]
                + [v for pk in ids for v in (pk, count[pk])]
                + ids,
            ),
            (
                "UPDATE funds_ledgerhead SET last_sequence = %s, last_hash = %s WHERE id = 1",
                [txn.sequence, txn.hash],
            ),
            *audit_entry_seal(entry, last_sequence=audit_sequence, last_hash=audit_hash),
        ]
    )
    return txn


def _described(account: Account) -> bool:
    """Whether the account's fund and money location are loaded (its name needs no query)."""
    return (
        account.pk is not None
        and Account.fund.is_cached(account)
        and Account.location.is_cached(account)
    )


_ACCOUNTS_UPDATE: dict[int, str] = {}


def _accounts_update_sql(n: int) -> str:
    """One UPDATE for the accounts of a transaction (their rows are locked already)."""
    sql = _ACCOUNTS_UPDATE.get(n)
    if sql is None:
        cases = " ".join(["WHEN %s THEN %s"] * n)
        sql = _ACCOUNTS_UPDATE[n] = (
            f"UPDATE funds_account SET balance = CASE id {cases} END, "
            f"posting_count = CASE id {cases} END "
            f"WHERE id IN ({', '.join(['%s'] * n)})"
        )
    return sql


# --- money in and out -----------------------------------------------------------------------
def _check_fund_class_allowed(fund: Fund) -> None:
    if fund.restriction in Fund.ZAKAT_ONLY_CLASSES and not get_organisation().is_zakat_body:
        raise LedgerError(
            _("Dana zakat hanya ada pada lembaga pengelola zakat berizin (UU 23/2011).")
        )


@transaction.atomic
def contribution_record(
    *,
    fund: Fund,
    location: MoneyLocation,
    amount: Decimal,
    date: dt.date,
    description: str,
    reference: models.Model | None,
    actor,
    kind=Transaction.Kind.CONTRIBUTION,
    key: int | None = None,
) -> Transaction:
    """Record money that came in: location +, fund +.

    `key`: the transaction's primary key taken earlier with transaction_key_reserve(),
    so that rows written before the posting can already refer to it.
    """
    amount = _amount(amount)
    if not fund.is_active:
        raise LedgerError(_("Dana %(f)s sudah ditutup dan tidak menerima uang.") % {"f": fund})
    if not location.is_active:
        raise LedgerError(_("Tempat uang %(l)s tidak aktif.") % {"l": location})
    _check_fund_class_allowed(fund)
    fund_account, location_account = _accounts_of(fund, location)
    return _post(
        kind=kind,
        date=date,
        description=description,
        lines=[(location_account, amount), (fund_account, -amount)],
        reference=reference,
        actor=actor,
        key=key,
    )


def transaction_key_reserve() -> int | None:
    """Take the primary key of a transaction to be posted later in this database transaction.

    PostgreSQL only (None elsewhere): a long booking writes its rows referring to the
    key first and posts the ledger last (decision 49). The foreign keys are checked at
    COMMIT, so the rows may name the transaction before it exists; a key left unused
    when the booking fails is a gap in the keys, never in the chain's sequence.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('funds_transaction', 'id'))")
        return cursor.fetchone()[0]


def programme_check(*, code: str, active_only: bool = True) -> None:
    """Raise LedgerError unless `code` is a registered (and, by default, active) programme."""
    found = Programme.objects.filter(code=code).values_list("is_active", flat=True).first()
    if found is None:
        raise LedgerError(
            _("Program '%(p)s' tidak terdaftar; pilih program dari daftar program.") % {"p": code}
        )
    if active_only and not found:
        raise LedgerError(_("Program '%(p)s' sudah tidak aktif.") % {"p": code})


def _check_purpose(fund: Fund, programme: str, area: str, asnaf: str) -> None:
    if programme:
        programme_check(code=programme)
    if fund.allowed_programmes and programme not in fund.allowed_programmes:
        raise LedgerError(
            _("Dana %(f)s terikat untuk program %(p)s; program '%(x)s' tidak diizinkan.")
            % {"f": fund, "p": ", ".join(fund.allowed_programmes), "x": programme or "-"}
        )
    if fund.allowed_areas and not any(area.startswith(a) for a in fund.allowed_areas if a):
        raise LedgerError(
            _("Dana %(f)s terikat untuk wilayah %(a)s; wilayah '%(x)s' tidak diizinkan.")
            % {"f": fund, "a": ", ".join(fund.allowed_areas), "x": area or "-"}
        )
    if fund.restriction == Fund.Restriction.ZAKAT and asnaf not in ASNAF:
        raise LedgerError(_("Zakat hanya boleh disalurkan kepada delapan asnaf; pilih asnafnya."))


@transaction.atomic
def payment_record(
    *,
    fund: Fund,
    location: MoneyLocation,
    amount: Decimal,
    date: dt.date,
    description: str,
    reference: models.Model | None,
    actor,
    commitment: Commitment | None = None,
    programme: str = "",
    area: str = "",
    asnaf: str = "",
    kind=Transaction.Kind.DISBURSEMENT,
    final: bool = True,
) -> Transaction:
    """Record money that went out: fund -, location -. Refused if available is short.

    Paying a commitment: the part paid comes out of its reservation and may
    never exceed what is left of it. With `final` (the default) the payment
    closes the commitment and frees any unused rest; with `final=False` it is
    one stage, and the commitment stays open until paid in full.
    """
    amount = _amount(amount)
    _check_purpose(fund, programme, area, asnaf)
    reserved = ZERO
    if commitment is not None:
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.fund_id != fund.pk:
            raise LedgerError(_("Komitmen ini milik dana lain."))
        if commitment.status != Commitment.Status.OPEN:
            raise LedgerError(_("Komitmen ini sudah dibayar atau dilepas."))
        if amount > commitment.remaining:
            raise LedgerError(
                _("Pembayaran %(a)s melebihi sisa yang disetujui (%(r)s).")
                % {"a": format_rupiah(amount), "r": format_rupiah(commitment.remaining)}
            )
        reserved = commitment.remaining
    fund_account, location_account = _accounts_of(fund, location)
    locked = _lock_accounts([fund_account, location_account])
    fund_account = locked[fund_account.pk]
    if fund_account.available + reserved < amount:
        raise _insufficient(fund_account, amount, fund_account.available + reserved)
    closes = commitment is not None and (final or amount == reserved)
    if commitment is not None:
        # The reservation becomes the payment; on the closing part the unused rest is freed.
        freed = reserved if closes else amount
        Account.objects.filter(pk=fund_account.pk).update(committed=fund_account.committed - freed)
    txn = _post(
        kind=kind,
        date=date,
        description=description,
        lines=[(location_account, -amount), (fund_account, amount)],
        reference=reference,
        actor=actor,
        programme=programme,
        area=area,
        asnaf=asnaf,
    )
    if commitment is not None:
        commitment.paid_amount += amount
        fields = ["paid_amount"]
        if closes:
            commitment.status, commitment.payment, commitment.closed_at = (
                Commitment.Status.PAID,
                txn,
                timezone.now(),
            )
            fields += ["status", "payment", "closed_at"]
        commitment.save(update_fields=fields)
        audit_log(
            commitment,
            "funds.commitment.paid" if closes else "funds.commitment.part_paid",
            actor=actor,
            changes={"payment": txn.sequence, "amount": amount, "paid": commitment.paid_amount},
        )
    return txn


@transaction.atomic
def transaction_reverse(
    *,
    transaction: Transaction,
    reason: str,
    actor,
    date: dt.date | None = None,
    reference: models.Model | None = None,
) -> Transaction:
    """Post the exact opposite of `transaction`, pointing at it; refused twice.

    A transaction that belongs to another app's record is reversed only by that
    record's own service, which passes the record as `reference` (a gift is
    reversed as a gift, so its receipt is voided with it).
    """
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(_("Alasan pembalikan wajib diisi."))
    original = Transaction.objects.select_for_update().get(pk=transaction.pk)
    if original.reference_type and (
        reference is None
        or _reference_parts(reference) != (original.reference_type, original.reference_id)
    ):
        label, _url = reference_link(original.reference_type, original.reference_id)
        raise LedgerError(
            _(
                "Transaksi #%(n)s milik %(owner)s; batalkan melalui catatan tersebut agar "
                "catatannya (misalnya tanda terima) ikut dibatalkan."
            )
            % {"n": original.sequence, "owner": label}
        )
    if original.reverses_id is not None:
        raise LedgerError(_("Transaksi pembalik tidak dapat dibalik lagi; catat transaksi baru."))
    if Transaction.objects.filter(reverses=original).exists():
        raise LedgerError(_("Transaksi #%(n)s sudah pernah dibalik.") % {"n": original.sequence})
    lines = [(p.account, -p.amount) for p in original.postings.select_related("account")]
    try:
        with transaction_savepoint():
            return transaction_post(
                kind=original.kind,
                date=date or timezone.localdate(),
                description=_("Pembalikan #%(n)s: %(r)s") % {"n": original.sequence, "r": reason},
                lines=lines,
                reference_type=original.reference_type,
                reference_id=original.reference_id,
                actor=actor,
                reverses=original,
                programme=original.programme,
                area=original.area,
                asnaf=original.asnaf,
            )
    except IntegrityError as exc:  # the unique `reverses` key: a concurrent reversal won
        raise LedgerError(
            _("Transaksi #%(n)s sudah pernah dibalik.") % {"n": original.sequence}
        ) from exc


def transaction_savepoint():
    from django.db import transaction as db_transaction

    return db_transaction.atomic()


# --- transfers and their rules ----------------------------------------------------------------
def share_limit(*, kind: str, date: dt.date) -> Decimal:
    """Return the percentage limit of `kind` valid on `date`."""
    row = ShareLimit.objects.filter(kind=kind, valid_from__lte=date).order_by("-valid_from").first()
    return row.rate if row else DEFAULT_LIMITS[kind]


def _collected(restriction: str, date: dt.date) -> Decimal:
    """Return what funds of `restriction` received in `date`'s year up to `date`."""
    total = Posting.objects.filter(
        account__fund__restriction=restriction,
        transaction__kind=Transaction.Kind.CONTRIBUTION,
        transaction__date__year=date.year,
        transaction__date__lte=date,
    ).aggregate(s=Sum("amount"))["s"]
    return -(total or ZERO)


def _taken(source: str, target: str, date: dt.date) -> Decimal:
    """Return what moved from `source`-class funds to `target`-class funds this year."""
    total = (
        Posting.objects.filter(
            account__fund__restriction=source,
            transaction__kind=Transaction.Kind.TRANSFER,
            transaction__date__year=date.year,
            transaction__postings__account__fund__restriction=target,
        )
        .distinct()
        .aggregate(s=Sum("amount"))["s"]
    )
    return total or ZERO


def _check_share(source: Fund, amount: Decimal, date: dt.date, kind: str, target: str) -> None:
    rate = share_limit(kind=kind, date=date)
    cap = (_collected(source.restriction, date) * rate / 100).quantize(CENT)
    taken = _taken(source.restriction, target, date)
    if taken + amount > cap:
        raise LedgerError(
            _(
                "Batas %(rate)s%% terlampaui: sudah diambil %(taken)s, batas tahun ini %(cap)s "
                "dari penerimaan %(cls)s."
            )
            % {
                "rate": rate,
                "taken": format_rupiah(taken),
                "cap": format_rupiah(cap),
                "cls": source.get_restriction_display(),
            }
        )


def transfer_check(*, source: Fund, target: Fund, amount: Decimal, date: dt.date) -> None:
    """Raise LedgerError when the rules forbid moving money from `source` to `target`."""
    R = Fund.Restriction
    if source.pk == target.pk:
        raise LedgerError(_("Dana asal dan dana tujuan sama."))
    if not target.is_active:
        raise LedgerError(_("Dana tujuan %(f)s sudah ditutup.") % {"f": target})
    _check_fund_class_allowed(target)
    if source.restriction == R.RESTRICTED:
        keeps = target.restriction == R.RESTRICTED and all(
            (set(tgt) and set(tgt) <= set(src)) or (not src and not tgt)
            for src, tgt in (
                (source.allowed_programmes, target.allowed_programmes),
                (source.allowed_areas, target.allowed_areas),
            )
        )
        if not keeps or (
            not source.allowed_programmes
            and not source.allowed_areas
            and source.purpose.strip() != target.purpose.strip()
        ):
            raise LedgerError(
                _("Dana terikat %(f)s tidak boleh keluar dari tujuannya.") % {"f": source}
            )
    if source.restriction == R.ZAKAT:
        if target.restriction == R.AMIL:
            _check_share(source, amount, date, ShareLimit.Kind.AMIL_FROM_ZAKAT, R.AMIL)
        elif target.restriction != R.ZAKAT:
            raise LedgerError(_("Zakat tidak boleh dipindahkan ke dana selain zakat atau amil."))
    elif target.restriction == R.ZAKAT:
        raise LedgerError(_("Dana lain tidak boleh dicampur ke dana zakat (PSAK 109)."))
    if source.restriction == R.INFAK_SEDEKAH and target.restriction == R.AMIL:
        _check_share(source, amount, date, ShareLimit.Kind.COSTS_FROM_INFAK, R.AMIL)
    if source.restriction == R.NON_HALAL and target.restriction in (R.AMIL, R.INFAK_SEDEKAH):
        raise LedgerError(_("Dana nonhalal tidak boleh dipakai untuk amil atau infak/sedekah."))


@transaction.atomic
def transfer_record(
    *,
    source: Fund,
    target: Fund,
    amount: Decimal,
    date: dt.date,
    description: str,
    actor,
    reference: models.Model | None = None,
) -> Transaction:
    """Move money between funds (fund A -, fund B +) when the rules allow it."""
    amount = _amount(amount)
    source_account, target_account = _account_of(source), _account_of(target)
    locked = _lock_accounts([source_account, target_account])
    # Checked after the lock: the share limits count earlier transfers.
    transfer_check(source=source, target=target, amount=amount, date=date)
    src = locked[source_account.pk]
    if src.available < amount:
        raise _insufficient(src, amount, src.available)
    return _post(
        kind=Transaction.Kind.TRANSFER,
        date=date,
        description=description,
        lines=[(src, amount), (locked[target_account.pk], -amount)],
        reference=reference,
        actor=actor,
    )


# --- commitments -----------------------------------------------------------------------------
@transaction.atomic
def commitment_open(
    *,
    fund: Fund,
    amount: Decimal,
    reference: models.Model | None,
    actor,
    programme: str = "",
    area: str = "",
    asnaf: str = "",
) -> Commitment:
    """Reserve `amount` of the fund for an approved, unpaid disbursement.

    The fund's purpose, area and asnaf are checked now, not only at payment:
    money reserved for a use the fund may not pay would be stuck.
    """
    amount = _amount(amount)
    _check_purpose(fund, programme, area, asnaf)
    account = _lock_accounts([_account_of(fund)])[_account_of(fund).pk]
    if account.available < amount:
        raise _insufficient(account, amount, account.available)
    ref_type, ref_id = _reference_parts(reference)
    try:
        # A savepoint, so the unique key (one open commitment per reference) maps to a message.
        with transaction_savepoint():
            commitment = Commitment.objects.create(
                fund=fund,
                amount=amount,
                reference_type=ref_type,
                reference_id=ref_id,
                programme=programme,
                area=area,
                asnaf=asnaf,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:
        raise LedgerError(_("Permohonan ini sudah memiliki komitmen terbuka.")) from exc
    Account.objects.filter(pk=account.pk).update(committed=account.committed + amount)
    audit_log(
        commitment,
        "funds.commitment.opened",
        actor=actor,
        changes={"amount": amount, "programme": programme, "area": area, "asnaf": asnaf},
    )
    return commitment


@transaction.atomic
def commitment_release(*, commitment: Commitment, actor, reason: str = "") -> Commitment:
    """Free what an open commitment still reserves (all of it, or the rest after paid parts)."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != Commitment.Status.OPEN:
        raise LedgerError(_("Hanya komitmen terbuka yang dapat dilepas."))
    account = _account_of(commitment.fund)
    account = _lock_accounts([account])[account.pk]
    Account.objects.filter(pk=account.pk).update(committed=account.committed - commitment.remaining)
    commitment.status = Commitment.Status.RELEASED
    commitment.release_reason = reason[:255]
    commitment.closed_at = timezone.now()
    commitment.save(update_fields=["status", "release_reason", "closed_at"])
    audit_log(commitment, "funds.commitment.released", actor=actor, changes={"reason": reason})
    return commitment


# --- funds and money locations ----------------------------------------------------------------
@transaction.atomic
def fund_create(
    *,
    code: str,
    name: str,
    restriction: str = Fund.Restriction.UNRESTRICTED,
    purpose: str = "",
    allowed_programmes: list[str] | None = None,
    allowed_areas: list[str] | None = None,
    actor,
) -> Fund:
    """Create a fund and its ledger account."""
    fund = Fund(
        code=code,
        name=name,
        restriction=restriction,
        purpose=purpose,
        allowed_programmes=list(allowed_programmes or []),
        allowed_areas=area_codes_clean(allowed_areas or []),
    )
    _check_fund_class_allowed(fund)
    for code in fund.allowed_programmes:
        programme_check(code=code)
    if fund.restriction == Fund.Restriction.RESTRICTED and not (
        purpose.strip() or fund.allowed_programmes or fund.allowed_areas
    ):
        raise LedgerError(_("Dana terikat wajib menyebut tujuan, program, atau wilayahnya."))
    if Fund.objects.filter(code=code).exists():
        raise LedgerError(_("Kode dana %(c)s sudah dipakai.") % {"c": code})
    fund.save()
    audit_log(fund, "funds.fund.created", actor=actor, changes={"code": code, "name": name})
    return fund


AREA_CODE = re.compile(r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?")
_AREA_DIGITS = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}


def area_codes_clean(codes: Iterable[str]) -> list[str]:
    """Return Kemendagri area codes in their dotted form, or raise LedgerError.

    A restricted fund pays only in areas whose code starts with one of these,
    so a malformed code (``33.1``, ``3314x``) would silently widen or empty
    that rule: province ``33``, regency ``33.14``, kecamatan ``33.14.09`` and
    village ``33.14.09.2001`` are accepted, with or without the dots.
    """
    clean, bad = [], []
    for raw in codes:
        code = str(raw).strip()
        if not code:
            continue
        if code.isdigit() and len(code) in _AREA_DIGITS:
            parts, start = [], 0
            for width in _AREA_DIGITS[len(code)]:
                parts.append(code[start : start + width])
                start += width
            code = ".".join(parts)
        if AREA_CODE.fullmatch(code) and code.isascii():
            if code not in clean:
                clean.append(code)
        else:
            bad.append(str(raw).strip())
    if bad:
        raise LedgerError(
            _("Kode wilayah tidak sah: %(c)s (contoh: 33.14 atau 33.14.09).")
            % {"c": ", ".join(bad)}
        )
    return clean


@transaction.atomic
def fund_close(*, fund: Fund, actor) -> Fund:
    """Close a fund to new money; it may still spend what it holds."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    fund.is_active = False
    fund.save(update_fields=["is_active"])
    audit_log(fund, "funds.fund.closed", actor=actor)
    return fund


@transaction.atomic
def money_location_create(
    *, code: str, name: str, kind: str, bank_name: str = "", account_number: str = "", actor
) -> MoneyLocation:
    """Create a money location and its ledger account."""
    if MoneyLocation.objects.filter(code=code).exists():
        raise LedgerError(_("Kode tempat uang %(c)s sudah dipakai.") % {"c": code})
    location = MoneyLocation.objects.create(
        code=code, name=name, kind=kind, bank_name=bank_name, account_number=account_number
    )
    audit_log(location, "funds.location.created", actor=actor, changes={"code": code})
    return location


# --- periods ---------------------------------------------------------------------------------
@transaction.atomic
def period_close(*, year: int, month: int, actor, today: dt.date | None = None) -> ClosedPeriod:
    """Close a finished month: afterwards nothing may be dated inside it."""
    today = today or timezone.localdate()
    if not 1 <= month <= 12:
        raise LedgerError(_("Bulan tidak sah."))
    last_day = dt.date(year, month, calendar.monthrange(year, month)[1])
    if last_day >= today:
        raise LedgerError(_("Bulan yang belum berakhir tidak dapat ditutup."))
    head = _lock_head()
    if ClosedPeriod.objects.filter(year=year, month=month).exists():
        raise LedgerError(_("Periode %(m)02d/%(y)s sudah ditutup.") % {"m": month, "y": year})
    period = ClosedPeriod.objects.create(
        year=year,
        month=month,
        closed_by=actor if getattr(actor, "is_authenticated", False) else None,
        last_sequence=head.last_sequence,
        last_hash=head.last_hash,
    )
    # The month's sums are final now: store them once, so that statements and
    # public reports never sum this month's postings again.
    LedgerMonth.objects.bulk_create(ledger_month_snapshot_rows(year=year, month=month))
    audit_log(
        period,
        "funds.period.closed",
        actor=actor,
        changes={"last_sequence": head.last_sequence, "last_hash": head.last_hash},
    )
    return period


def parse_amount_or_error(value) -> Decimal:
    """Parse a user-typed amount into a Decimal or raise LedgerError."""
    return _amount(value)


# --- statements ------------------------------------------------------------------------------
@transaction.atomic
def statement_sign(*, date_from: dt.date, date_to: dt.date, actor):
    """Record the head's sign-off of the statements of a period, bound to their figures."""
    from funds.models import StatementSignoff
    from funds.statements import statements_for_period

    if date_from > date_to:
        raise LedgerError(_("Tanggal awal sesudah tanggal akhir."))
    if date_to >= timezone.localdate():
        raise LedgerError(_("Hanya periode yang sudah berakhir yang dapat disahkan."))
    # Pin the chain position: the signed figures are those of the ledger up to here.
    head = _lock_head()
    figures = statements_for_period(
        date_from=date_from, date_to=date_to, up_to_sequence=head.last_sequence
    )
    if not figures.balanced:
        raise LedgerError(_("Laporan tidak seimbang; jalankan verify_ledger sebelum mengesahkan."))
    if StatementSignoff.objects.filter(
        date_from=date_from, date_to=date_to, figures_hash=figures.figures_hash
    ).exists():
        raise LedgerError(_("Laporan periode ini dengan angka yang sama sudah disahkan."))
    signoff = StatementSignoff.objects.create(
        date_from=date_from,
        date_to=date_to,
        figures_hash=figures.figures_hash,
        figures=figures.snapshot(),
        last_sequence=head.last_sequence,
        last_hash=head.last_hash,
        signed_by=actor,
    )
    audit_log(
        signoff,
        "funds.statement.signed",
        actor=actor,
        changes={
            "from": date_from,
            "to": date_to,
            "figures_hash": figures.figures_hash,
            "last_sequence": head.last_sequence,
            "last_hash": head.last_hash,
        },
    )
    return signoff


# --- money rules changed only here (the Django admin shows them read-only) --------------------
FUND_RULE_FIELDS = ("name", "purpose", "allowed_programmes", "allowed_areas")


def _codes(values) -> list[str]:
    return [str(v).strip() for v in (values or []) if str(v).strip()]


@transaction.atomic
def fund_update(
    *,
    fund: Fund,
    name: str,
    purpose: str,
    allowed_programmes: list[str] | None,
    allowed_areas: list[str] | None,
    actor,
) -> Fund:
    """Change a fund's name, purpose, allowed programmes and areas, audited.

    The restriction class never changes. A restricted fund that still holds or
    reserves money may only be narrowed: its donors gave for that purpose.
    """
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    before = snapshot(fund, FUND_RULE_FIELDS)
    name, purpose = (name or "").strip(), (purpose or "").strip()
    programmes = _codes(allowed_programmes)
    areas = area_codes_clean(_codes(allowed_areas))
    for code in programmes:
        programme_check(code=code)
    if not name:
        raise LedgerError(_("Nama dana wajib diisi."))
    if fund.restriction == Fund.Restriction.RESTRICTED:
        if not (purpose or programmes or areas):
            raise LedgerError(_("Dana terikat wajib menyebut tujuan, program, atau wilayahnya."))
        account = _lock_accounts([_account_of(fund)])[_account_of(fund).pk]
        if account.balance > 0 or account.committed > 0:
            narrower = (
                not fund.allowed_programmes
                or (programmes and set(programmes) <= set(fund.allowed_programmes))
            ) and (
                # An area code is a prefix: 33.14.09.2001 lies inside 33.14.09.
                not fund.allowed_areas
                or (areas and all(any(a.startswith(o) for o in fund.allowed_areas) for a in areas))
            )
            if not narrower:
                raise LedgerError(
                    _(
                        "Dana terikat %(f)s masih memegang uang: program dan wilayahnya "
                        "hanya boleh dipersempit, tidak diperluas."
                    )
                    % {"f": fund}
                )
    fund.name, fund.purpose = name, purpose
    fund.allowed_programmes, fund.allowed_areas = programmes, areas
    changes = diff(before, snapshot(fund, FUND_RULE_FIELDS))
    if changes:
        fund.save(update_fields=list(FUND_RULE_FIELDS))
        audit_log(fund, "funds.fund.updated", actor=actor, changes=changes)
    return fund


LOCATION_FIELDS = ("name", "bank_name", "account_number", "is_active")


@transaction.atomic
def money_location_update(
    *,
    location: MoneyLocation,
    name: str,
    bank_name: str = "",
    account_number: str = "",
    is_active: bool = True,
    actor,
) -> MoneyLocation:
    """Change a money location's name, bank details or activity, audited."""
    location = MoneyLocation.objects.select_for_update().get(pk=location.pk)
    before = snapshot(location, LOCATION_FIELDS)
    name = (name or "").strip()
    if not name:
        raise LedgerError(_("Nama tempat uang wajib diisi."))
    if not is_active and location.is_active:
        account = _lock_accounts([_account_of(location)])[_account_of(location).pk]
        if account.balance != 0:
            raise LedgerError(
                _("Tempat uang %(l)s masih menyimpan %(b)s; pindahkan dulu saldonya.")
                % {"l": location, "b": format_rupiah(account.balance)}
            )
    location.name = name
    location.bank_name = (bank_name or "").strip()[:100]
    location.account_number = (account_number or "").strip()[:40]
    location.is_active = bool(is_active)
    changes = diff(before, snapshot(location, LOCATION_FIELDS))
    if changes:
        location.save(update_fields=list(LOCATION_FIELDS))
        audit_log(location, "funds.location.updated", actor=actor, changes=changes)
    return location


@transaction.atomic
def share_limit_set(
    *, kind: str, rate, valid_from: dt.date, actor, today: dt.date | None = None
) -> ShareLimit:
    """Add a new amil or running-cost limit valid from a date; never retroactive, audited.

    Existing limits are never edited: a new row takes over from its date, so
    every past transfer keeps the limit it was checked against.
    """
    today = today or timezone.localdate()
    if kind not in ShareLimit.Kind.values:
        raise LedgerError(_("Jenis batas tidak dikenal: %(k)s") % {"k": kind})
    try:
        rate = Decimal(str(rate).replace(",", ".")).quantize(CENT)
    except ArithmeticError as exc:
        raise LedgerError(_("Batas harus berupa persen, mis. 12,5.")) from exc
    if not Decimal(0) <= rate <= Decimal(100):
        raise LedgerError(_("Batas harus antara 0 dan 100 persen."))
    if not isinstance(valid_from, dt.date) or valid_from < today:
        raise LedgerError(_("Batas baru hanya berlaku mulai hari ini atau sesudahnya."))
    _lock_head()  # orders this against transfers being checked right now
    if ShareLimit.objects.filter(kind=kind, valid_from=valid_from).exists():
        raise LedgerError(_("Sudah ada batas jenis ini yang berlaku sejak tanggal itu."))
    limit = ShareLimit.objects.create(kind=kind, rate=rate, valid_from=valid_from)
    audit_log(
        limit,
        "funds.share_limit.set",
        actor=actor,
        changes={"kind": kind, "rate": rate, "valid_from": valid_from},
    )
    return limit


# --- money between locations and gateway charges --------------------------------------------
@transaction.atomic
def money_move(
    *,
    source: MoneyLocation,
    target: MoneyLocation,
    amount: Decimal,
    date: dt.date,
    description: str,
    actor,
    fee: Decimal = ZERO,
    fee_fund: Fund | None = None,
    reference: models.Model | None = None,
    reference_type: str | None = None,
    reference_id: str | None = None,
) -> Transaction:
    """Move money from one location to another (a gateway payout to the bank).

    `amount` arrives at `target`; `source` gives `amount + fee`. The fee is its
    own line, charged to `fee_fund` (whose money paid for the move), so the
    books still say whose money is left in each place.
    """
    amount = _amount(amount)
    fee = ZERO if not fee else _amount(fee)
    if source.pk == target.pk:
        raise LedgerError(_("Tempat uang asal dan tujuan sama."))
    if not target.is_active:
        raise LedgerError(_("Tempat uang %(l)s tidak aktif.") % {"l": target})
    if fee and fee_fund is None:
        raise LedgerError(_("Biaya pemindahan harus dibebankan pada satu dana."))
    lines = [(_account_of(source), -(amount + fee)), (_account_of(target), amount)]
    if fee:
        lines.append((_account_of(fee_fund), fee))
    return _post(
        kind=Transaction.Kind.TRANSFER,
        date=date,
        description=description,
        lines=lines,
        reference=reference,
        actor=actor,
        reference_type=reference_type,
        reference_id=reference_id,
    )


@transaction.atomic
def gateway_charge_record(
    *,
    fund: Fund,
    location: MoneyLocation,
    amount: Decimal,
    date: dt.date,
    description: str,
    reference: models.Model | None,
    actor,
    kind=Transaction.Kind.FEE,
) -> Transaction:
    """Record what a payment gateway kept (a fee) from money it holds: fund -, location -.

    Not a disbursement: it pays no programme, so a restricted fund's purpose
    is not checked; the fee is the cost of receiving that fund's own gift.
    """
    amount = _amount(amount)
    if kind not in (Transaction.Kind.FEE, Transaction.Kind.REFUND):
        raise LedgerError(_("Jenis transaksi tidak dikenal: %(k)s") % {"k": kind})
    fund_account, location_account = _accounts_of(fund, location)
    return _post(
        kind=kind,
        date=date,
        description=description,
        lines=[(location_account, -amount), (fund_account, amount)],
        reference=reference,
        actor=actor,
    )
