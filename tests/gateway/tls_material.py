"""A test CA and server certificates, made with `cryptography`."""

import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


class TestCA:
    def __init__(self, folder: Path, name: str = "SPIN Test CA"):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        self.certificate = (
            x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
            .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.ca = self.folder / "ca.pem"
        self.ca.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        self.cert = self.folder / "server.pem"
        self.key_path = self.folder / "server.key"

    def issue(self, common_name="localhost", cert_path=None, key_path=None):
        """Writes a server cert for 127.0.0.1/localhost; returns its serial number."""
        server_key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        serial = x509.random_serial_number()
        certificate = (
            x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(self.certificate.subject)
            .public_key(server_key.public_key()).serial_number(serial)
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        cert_path = Path(cert_path or self.cert)
        key_path = Path(key_path or self.key_path)
        # Write to temp names and rename, as a certificate manager would.
        cert_tmp, key_tmp = cert_path.with_suffix(".tmp1"), key_path.with_suffix(".tmp2")
        cert_tmp.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_tmp.write_bytes(_pem_key(server_key))
        key_tmp.replace(key_path)
        cert_tmp.replace(cert_path)
        return serial

    def stray_key(self, path):
        Path(path).write_bytes(_pem_key(ec.generate_private_key(ec.SECP256R1())))


class TLSFiles:
    """What the harness needs: cert, key and the CA to verify against."""

    def __init__(self, ca: TestCA):
        self.ca = ca.ca
        self.cert = ca.cert
        self.key = ca.key_path
