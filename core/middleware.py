from core.audit import reset_request_ip, set_request_ip


class AuditContextMiddleware:
    """Make the client's address available to audit_log for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_ip(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            reset_request_ip(token)
