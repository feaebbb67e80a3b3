"""Run localstripe (the fake Stripe server from PyPI) on 127.0.0.1 for the test suite.

Started by the `localstripe` fixture as `python -m tests.donors.localstripe_server PORT`.
Three things localstripe lacks are added here, at the edge, without touching
how it answers the API it does implement:

- it keeps its store in /tmp/localstripe.pickle, shared by every process on
  the machine; each test server keeps its store in memory only;
- payouts exist only in EUR there; IDR payouts are let through;
- there are no disputes: `/_config/disputes/{id}` registers one that
  `GET /v1/disputes/{id}` then returns, as Stripe would.
- balance transactions carry no fee there; `/_config/fee` sets a fee in basis
  points so that the fee line of a card gift is tested on a real object.
"""

from __future__ import annotations

import sys

from aiohttp import web
from localstripe import resources, server

FEE = {"bps": 0}
DISPUTES: dict[str, dict] = {}

resources.store.dump_to_disk = lambda: None

_payout_init = resources.Payout.__init__


def _payout_init_idr(self, *args, currency=None, **kwargs):
    _payout_init(self, *args, currency="eur", **kwargs)
    self.currency = currency


resources.Payout.__init__ = _payout_init_idr

_balance_init = resources.BalanceTransaction.__init__


def _balance_init_with_fee(self, *args, **kwargs):
    _balance_init(self, *args, **kwargs)
    if self.type == "charge" and FEE["bps"]:
        self.fee = self.amount * FEE["bps"] // 10000


resources.BalanceTransaction.__init__ = _balance_init_with_fee


async def config_fee(request):
    data = await request.post()
    FEE["bps"] = int(data.get("bps", 0))
    return web.Response()


async def config_dispute(request):
    data = await request.post()
    dispute_id = request.match_info["id"]
    DISPUTES[dispute_id] = {
        "id": dispute_id,
        "object": "dispute",
        "amount": int(data["amount"]),
        "currency": data.get("currency", "idr"),
        "charge": data["charge"],
        "payment_intent": data.get("payment_intent"),
        "status": data.get("status", "needs_response"),
        "reason": data.get("reason", "fraudulent"),
    }
    return web.Response()


async def dispute_retrieve(request):
    dispute = DISPUTES.get(request.match_info["id"])
    if dispute is None:
        return web.json_response({"error": {"message": "No such dispute"}}, status=404)
    return web.json_response(dispute)


server.app.router.add_post("/_config/fee", config_fee)
server.app.router.add_post("/_config/disputes/{id}", config_dispute)
server.app.router.add_get("/v1/disputes/{id}", dispute_retrieve)


if __name__ == "__main__":
    web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
