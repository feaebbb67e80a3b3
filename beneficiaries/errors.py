class BeneficiaryError(Exception):
    """A household action that cannot be done; the message says why, in Indonesian."""
