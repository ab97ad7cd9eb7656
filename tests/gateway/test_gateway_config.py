"""Configuration errors: exit code 2 with one clear line on stderr."""

from harness import clean_env, free_port, run_gateway_expecting_exit


def env(**extra):
    base = {"SPIN_TOKEN": "x" * 40, "SPIN_BIND": "127.0.0.1", "SPIN_PORT": str(free_port()), "SPIN_EXECUTOR": "external"}
    base.update(extra)
    return clean_env({k: v for k, v in base.items() if v is not None})


def assert_config_error(environment, *phrases):
    code, stderr, _ = run_gateway_expecting_exit(environment)
    assert code == 2, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    return lines[0]


def test_missing_or_empty_token():
    assert_config_error(env(SPIN_TOKEN=None), "SPIN_TOKEN")
    assert_config_error(env(SPIN_TOKEN=""), "SPIN_TOKEN")


def test_certificate_without_key_explains_the_global_ca_bundle():
    assert_config_error(env(SSL_CERT_FILE="/etc/ssl/certs/ca-certificates.crt"), "SSL_KEY_FILE", "CA bundle")


def test_key_without_certificate(tmp_path):
    assert_config_error(env(SSL_KEY_FILE=str(tmp_path / "k.pem")), "SSL_CERT_FILE")


def test_unreadable_certificate(tmp_path):
    assert_config_error(env(SSL_CERT_FILE=str(tmp_path / "none.pem"), SSL_KEY_FILE=str(tmp_path / "none.key")), "SSL_CERT_FILE")


def test_mismatched_key_and_certificate(test_ca, tmp_path):
    stray = tmp_path / "stray.key"
    test_ca.stray_key(stray)
    assert_config_error(env(SSL_CERT_FILE=str(test_ca.cert), SSL_KEY_FILE=str(stray)), "does not match")


def test_bad_port():
    assert_config_error(env(SPIN_PORT="eighty"), "SPIN_PORT")
    assert_config_error(env(SPIN_PORT="70000"), "SPIN_PORT")


def test_short_token_warns_without_printing_it(make_gateway):
    gateway = make_gateway(token="shorty-token").start(wait_ready=False)
    assert "shorter than 32" in gateway.log()
    assert "shorty-token" not in gateway.log()
