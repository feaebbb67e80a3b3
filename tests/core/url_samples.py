"""Arguments for the core URLs that take some (see test_url_access.py).

Each entry maps a URL name to a function of the personas that creates what
the URL needs and returns its kwargs, or (kwargs, roles) when only some of
the roles the view admits may see that particular object (the others get 404).
"""

from core.roles import Role
from tests.factories import JobFactory


def _job(personas):
    job = JobFactory(created_by=personas[Role.FUND_MANAGER])
    return {"pk": job.pk}, {Role.FUND_MANAGER, Role.AUDITOR, Role.ADMIN}


def _user(personas):
    from tests.conftest import make_user

    return {"pk": make_user("contoh.pengguna@uji.test", [Role.VERIFIER]).pk}


SAMPLES = {
    "core:job": _job,
    "core:user": _user,
    "core:user_role_grant": _user,
    "core:user_role_revoke": _user,
    "core:user_deactivate": _user,
    "core:user_reactivate": _user,
    "core:user_mfa_reset": _user,
}


def _other_job(personas):
    from tests.conftest import make_user

    # Started by another fund manager: only auditors and admins may follow it.
    other = make_user("pengelola.lain@uji.test", [Role.FUND_MANAGER])
    return {"pk": JobFactory(created_by=other).pk}, {Role.AUDITOR, Role.ADMIN}


OTHERS = {"core:job": _other_job}
