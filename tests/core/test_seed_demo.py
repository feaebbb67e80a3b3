from django.core.management import call_command

from core.models import AuditEntry, Organisation, User
from core.roles import Role


def test_seed_demo_can_run_twice_and_gives_every_role_a_login(db, capsys):
    call_command("seed_demo")
    users, entries = User.objects.count(), AuditEntry.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == users
    assert AuditEntry.objects.count() == entries
    assert Organisation.objects.count() == 1
    held = set(User.objects.values_list("role_assignments__role", flat=True))
    assert {str(r) for r in Role} <= held
    out = capsys.readouterr().out
    assert "pengelola@kenanga.test" in out and "kenanga-demo-2025" in out
