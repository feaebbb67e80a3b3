from django import template

from transparency.selectors import contributor_fund_impact

register = template.Library()


@register.simple_tag(takes_context=True)
def my_fund_impact(context):
    """Return (year, impacts) of the funds the signed-in contributor gave to."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None, []
    return contributor_fund_impact(user=request.user)
