"""The one domain error of the donors app."""

from __future__ import annotations


class DonorError(Exception):
    """A contribution, import or receipt that cannot be done; the message says why."""

    def __init__(
        self, message: str, *, errors: list[str] | None = None, link: str = "", field: str = ""
    ):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        # Where the user can see what blocks them (e.g. the first import of a month).
        self.link = link
        # The input the message is about, so that a form can show it next to that field.
        self.field = field

    def __str__(self) -> str:
        return self.message
