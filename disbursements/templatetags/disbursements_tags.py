from django import template

from disbursements.selectors import waiting_counts

register = template.Library()


@register.simple_tag
def disbursement_waiting():
    """Return how many requests wait for approval, for the head and for payment (one query)."""
    return waiting_counts()
