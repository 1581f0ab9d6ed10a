# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generate a throw-away lab CA and server certificates for the ZVM API lab.

Usage: zvm_lab_certs.py OUTDIR NAME:IP [NAME:IP ...]

Writes OUTDIR/ca.pem and, per NAME, OUTDIR/NAME.pem and OUTDIR/NAME.key for a certificate whose
subject alternative names are the IP and NAME.zba.lab. Needs the `cryptography` package.
"""

import datetime
import ipaddress
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path, data, mode=0o644):
    with open(path, 'wb') as handle:
        handle.write(data)
    os.chmod(path, mode)


def _key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_ca(now):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(_name('zba lab CA')).issuer_name(_name('zba lab CA'))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_server_cert(ca_key, ca_cert, name, address, now):
    key = ec.generate_private_key(ec.SECP256R1())
    sans = [x509.DNSName('%s.zba.lab' % name), x509.IPAddress(ipaddress.ip_address(address))]
    cert = (x509.CertificateBuilder()
            .subject_name(_name('%s.zba.lab' % name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, ca_cert = make_ca(now)
    _write(os.path.join(outdir, 'ca.pem'), ca_cert.public_bytes(serialization.Encoding.PEM))
    for spec in argv[2:]:
        name, address = spec.split(':', 1)
        key, cert = make_server_cert(ca_key, ca_cert, name, address, now)
        _write(os.path.join(outdir, '%s.pem' % name), cert.public_bytes(serialization.Encoding.PEM))
        _write(os.path.join(outdir, '%s.key' % name), _key_pem(key), 0o600)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
