"""Behind the documented reverse proxy, limits and the audit log see the real client."""

import pytest
from django.test import RequestFactory, override_settings

from config import env
from core.http import client_ip
from core.models import AuditEntry
from tests.conftest import PASSWORD

factory = RequestFactory()


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/", **extra)


@override_settings(KENANGA_TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # The proxy on the same machine forwards the client's address.
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # A client that writes its own header cannot choose its address: the
        # right-most address the trusted proxy vouches for wins.
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        # Two trusted hops (load balancer, then nginx) are both skipped.
        ("127.0.0.1", "203.0.113.7, 10.1.2.3", "203.0.113.7"),
        # A direct connection from outside is never taken at its word.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # No header: the proxy itself.
        ("127.0.0.1", None, "127.0.0.1"),
        # Junk in the header does not become the address.
        ("127.0.0.1", "<script>, 203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "203.0.113.7, not-an-ip", "127.0.0.1"),
        ("127.0.0.1", " , ,", "127.0.0.1"),
        # IPv6 and ports as some proxies write them.
        ("127.0.0.1", "[2001:db8::5]:4711", "2001:db8::5"),
        ("127.0.0.1", "203.0.113.7:51234", "203.0.113.7"),
        ("::ffff:127.0.0.1", "203.0.113.7", "203.0.113.7"),
    ],
)
def test_the_client_address_is_the_right_most_one_not_vouched_for_by_a_trusted_proxy(
    remote, forwarded, expected
):
    assert client_ip(_request(remote, forwarded)) == expected


@override_settings(KENANGA_TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"


def test_a_malformed_peer_address_gives_no_address():
    assert client_ip(_request("unix-socket")) is None


def test_the_proxy_setting_is_read_strictly(monkeypatch):
    monkeypatch.setenv("KENANGA_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5")
    assert env.get_networks("KENANGA_TRUSTED_PROXIES", []) == ["10.0.0.0/8", "192.168.1.5"]
    monkeypatch.setenv("KENANGA_TRUSTED_PROXIES", "")
    assert env.get_networks("KENANGA_TRUSTED_PROXIES", ["127.0.0.1"]) == []
    monkeypatch.setenv("KENANGA_TRUSTED_PROXIES", "nginx.local")
    with pytest.raises(env.EnvError, match="KENANGA_TRUSTED_PROXIES"):
        env.get_networks("KENANGA_TRUSTED_PROXIES", [])


def _fail_login(client, email, address):
    return client.post(
        "/akun/login/",
        {"login": email, "password": "salah-sekali"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )


@override_settings(KENANGA_TRUSTED_PROXIES=["127.0.0.1"])
def test_twenty_failures_from_one_client_behind_the_proxy_do_not_lock_out_everyone(
    personas, client
):
    # 20 failures per address in 15 minutes; spread over several accounts so
    # that the per-account limit (5) is not what stops them.
    for i in range(20):
        _fail_login(client, f"tamu{i % 5}@uji.test", "198.51.100.66")

    # The attacker's own address is now blocked, even for a right password ...
    blocked = client.post(
        "/akun/login/",
        {"login": "sri.pengelola@uji.test", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak" in blocked.content.decode()

    # ... while a colleague in another office logs in as usual.
    response = client.post(
        "/akun/login/",
        {"login": "sri.pengelola@uji.test", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.20",
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@override_settings(KENANGA_TRUSTED_PROXIES=["127.0.0.1"])
def test_a_client_outside_the_proxy_cannot_dodge_the_limit_with_a_forged_header(personas, client):
    for i in range(20):
        client.post(
            "/akun/login/",
            {"login": f"tamu{i % 5}@uji.test", "password": "salah"},
            REMOTE_ADDR="198.51.100.66",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = client.post(
        "/akun/login/",
        {"login": "sri.pengelola@uji.test", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.66",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak" in response.content.decode()


@override_settings(KENANGA_TRUSTED_PROXIES=["127.0.0.1"])
def test_the_audit_log_records_the_client_behind_the_proxy(personas, client):
    client.force_login(personas["fund_manager"])
    response = client.post(
        "/donatur/baru/",
        {"kind": "individual", "name": "Budi Santoso", "display": "anonymous"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.45",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="donors.donor.created")
    assert entry.ip_address == "203.0.113.45"
