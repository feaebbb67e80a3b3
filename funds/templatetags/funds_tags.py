from django import template

from funds.selectors import fund_balances

register = template.Library()


@register.simple_tag
def fund_balance_rows():
    """Return every active fund with balance and available amount (one query)."""
    return fund_balances(active_only=True)
