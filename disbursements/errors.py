"""The one domain error of the disbursements app."""

from __future__ import annotations


class DisbursementError(Exception):
    """A request, approval, payment or closing was refused; the message says why (Indonesian).

    `problems` lists every reason when a check found several (the live check
    shows them all at once), `message` joins them.
    """

    def __init__(self, message: str | list[str]):
        problems = [str(m) for m in message] if isinstance(message, list) else [str(message)]
        self.problems = problems
        self.message = " ".join(problems)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message
