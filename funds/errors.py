"""The one domain error of the funds app."""


class LedgerError(Exception):
    """A ledger write was refused; the message tells a treasurer what to do (Indonesian)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message
