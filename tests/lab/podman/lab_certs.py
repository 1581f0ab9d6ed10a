"""Lab CA and server certificates, made with the openssl CLI on the controller."""

import contextlib
import fcntl
import os
import subprocess

CA_SUBJECT = "/O=zerto-billing lab/CN=zerto-billing lab CA"
CA_DAYS = 3650
LEAF_DAYS = 397
RENEW_BEFORE_SECONDS = 30 * 86400


def _openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


@contextlib.contextmanager
def _ca_lock(ca_dir):
    """Several lab hosts start at once (Ansible forks): one issuer at a time per CA (its serial file)."""
    os.makedirs(ca_dir, mode=0o755, exist_ok=True)
    with open(os.path.join(ca_dir, ".lock"), "a", encoding="ascii") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _valid_for_a_while(cert):
    if not os.path.exists(cert):
        return False
    check = subprocess.run(
        ["openssl", "x509", "-checkend", str(RENEW_BEFORE_SECONDS), "-noout", "-in", cert],
        capture_output=True,
        check=False,
    )
    return check.returncode == 0


def ensure_ca(ca_dir):
    """Create the lab CA once; returns (cert, key). Kept across `lab.py down`."""
    with _ca_lock(ca_dir):
        return _ensure_ca(ca_dir)


def _ensure_ca(ca_dir):
    cert, key = os.path.join(ca_dir, "ca.pem"), os.path.join(ca_dir, "ca.key")
    if not (_valid_for_a_while(cert) and os.path.exists(key)):
        _openssl(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            str(CA_DAYS),
            "-subj",
            CA_SUBJECT,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        )
        os.chmod(key, 0o600)
    return cert, key


def ensure_server_cert(ca, out_dir, name, hostname, addresses):
    """Issue (or keep) a server certificate for hostname and its addresses; returns (cert, key)."""
    with _ca_lock(os.path.dirname(ca[0])):
        return _ensure_server_cert(ca, out_dir, name, hostname, addresses)


def _ensure_server_cert(ca, out_dir, name, hostname, addresses):
    ca_cert, ca_key = ca
    os.makedirs(out_dir, exist_ok=True)
    cert, key = os.path.join(out_dir, name + ".pem"), os.path.join(out_dir, name + ".key")
    san = ",".join(["DNS:" + hostname] + ["IP:" + a for a in addresses])
    san_file = os.path.join(out_dir, name + ".san")
    current_san = open(san_file, encoding="ascii").read() if os.path.exists(san_file) else ""
    ca_mtime = os.path.getmtime(ca_cert)
    if _valid_for_a_while(cert) and current_san == san and os.path.exists(key) and os.path.getmtime(cert) >= ca_mtime:
        return cert, key
    ext = os.path.join(out_dir, name + ".ext")
    with open(ext, "w", encoding="ascii") as handle:
        handle.write(
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=" + san + "\n"
        )
    csr = os.path.join(out_dir, name + ".csr")
    _openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        key,
        "-out",
        csr,
        "-subj",
        "/O=zerto-billing lab/CN=" + hostname,
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca_cert,
        "-CAkey",
        ca_key,
        "-CAcreateserial",
        "-out",
        cert,
        "-days",
        str(LEAF_DAYS),
        "-extfile",
        ext,
    )
    os.remove(csr)
    os.remove(ext)
    with open(san_file, "w", encoding="ascii") as handle:
        handle.write(san)
    return cert, key
