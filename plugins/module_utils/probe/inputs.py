# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the probe's inputs. Every error names the option it is about."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

try:
    from urllib.parse import urlsplit, unquote
except ImportError:  # pragma: no cover - Python 2 is not supported on targets
    urlsplit = unquote = None

_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOSTNAME_RE = re.compile(r"^%s(\.%s)*\.?$" % (_LABEL, _LABEL))


class InputError(ValueError):
    """Bad input; the message starts with the option name."""

    def __init__(self, option, message):
        super(InputError, self).__init__("%s: %s" % (option, message))
        self.option = option


class Endpoint(object):
    """Where to connect: a hostname (for SNI, certificate and HTTP Host) and a port."""

    def __init__(self, host, port, path):
        self.host = host
        self.port = port
        self.path = path

    @property
    def host_is_ip(self):
        return is_ip(self.host)


class Proxy(object):
    def __init__(self, host, port, username=None, password=None):
        self.host = host
        self.port = port
        self.username = username
        self.password = password

    @property
    def display(self):
        """``host:port``: never the credentials, and not the option's text, which is no_log."""
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "%s:%d" % (host, self.port)


def is_ip(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def check_hostname(option, host):
    if not host:
        raise InputError(option, "a host name is required")
    if is_ip(host):
        return host
    if len(host) > 253 or not _HOSTNAME_RE.match(host):
        raise InputError(option, "%r is not a valid host name (letters, digits, '-' and '.' only)" % host)
    return host.rstrip(".").lower()


def check_port(option, port):
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise InputError(option, "%r is not a TCP port (1-65535)" % (port,))
    return port


def _split(option, text, schemes):
    if not isinstance(text, str) or not text.strip():
        raise InputError(option, "a URL is required")
    if any(c.isspace() for c in text):
        raise InputError(option, "%r contains white space" % text)
    parts = urlsplit(text)
    if parts.scheme.lower() not in schemes:
        raise InputError(option, "scheme must be %s, got %r in %r" % (" or ".join(schemes), parts.scheme, text))
    try:
        port = parts.port
    except ValueError:
        raise InputError(option, "%r has an invalid port (1-65535)" % text)
    return parts, port


def parse_url(text, option="url", default_port=443):
    """Parse ``https://host[:port][/path]``."""
    parts, port = _split(option, text, ("https",))
    if parts.username is not None or parts.password is not None:
        raise InputError(option, "must not contain credentials")
    host = check_hostname(option, parts.hostname or "")
    if port is not None:
        check_port(option, port)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Endpoint(host, port or default_port, path)


def parse_proxy(text, option="proxy"):
    """Parse ``http://[user:pass@]host:port``."""
    parts, port = _split(option, text, ("http",))
    host = check_hostname(option, parts.hostname or "")
    if port is None:
        raise InputError(option, "a port is required, as in http://proxy.example.com:3128")
    check_port(option, port)
    if parts.path not in ("", "/"):
        raise InputError(option, "must not contain a path")
    username = unquote(parts.username) if parts.username is not None else None
    password = unquote(parts.password) if parts.password is not None else None
    return Proxy(host, port, username, password)


def parse_networks(entries, option="addresses"):
    """IPs and CIDRs as ``ipaddress`` networks, in the order given, duplicates removed."""
    networks = []
    for entry in entries or []:
        text = str(entry).strip()
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise InputError(option, "%r is not a valid IP address or CIDR" % (entry,))
        if "/" in text and ipaddress.ip_address(text.split("/", 1)[0]) != network.network_address:
            raise InputError(option, "%r has host bits set; did you mean %s?" % (entry, network))
        if network not in networks:
            networks.append(network)
    return networks


def expand(networks, limit, option="addresses"):
    """Every address to probe: a single IP as itself, a range as its usable hosts."""
    addresses = []
    for network in networks:
        hosts = [network.network_address] if network.num_addresses == 1 else list(network.hosts())
        if len(addresses) + len(hosts) > limit:
            raise InputError(option, "more than max_addresses=%d addresses to probe" % limit)
        addresses.extend(str(a) for a in hosts)
    seen = set()
    return [a for a in addresses if not (a in seen or seen.add(a))]
