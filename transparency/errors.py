"""The one domain error of the transparency app."""


class TransparencyError(Exception):
    """A report cannot be published; the message tells the head what to do (Indonesian)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message
