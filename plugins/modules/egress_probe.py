#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: egress_probe
short_description: Test outbound TLS reachability of the Zerto billing endpoint from the managed host
version_added: 0.1.0
description:
  - Probes the billing endpoint from the managed host itself, the way the Zerto Virtual Manager
    (ZVM) reaches it. DNS with the host's own resolver, TCP, TLS with certificate checks, and one
    HTTP request, directly or through an HTTP CONNECT proxy.
  - Every address the URL resolves to (A and AAAA), or every address of the given ranges, is
    probed, concurrently, and each result says which stage failed and why, as an RV(results[].error_class).
  - Tells a host's own output firewall (V(blocked_locally)) from a silent drop upstream
    (V(tcp_timeout)), a refusal (V(tcp_refused)) and an ICMP unreachable (V(tcp_unreachable))
    by kernel evidence, not by errno alone, so the operator knows which team to call.
  - Why not the built-ins. M(ansible.builtin.wait_for) reports refused, filtered, unreachable
    and DNS failures as the same timeout and knows no proxy or TLS.
    M(ansible.builtin.uri) returns status -1 with free text on transport failures and takes
    proxies only from the environment. M(community.crypto.get_certificate) does not check
    the host name and is usually delegated to localhost, which tests the controller or the AWX
    execution environment instead of the ZVM's network position.
  - Read-only. Uses only the Python standard library on the managed host (Python 3.8 or later).
author:
  - Zerto MSP billing maintainers (@zerto-msp)
extends_documentation_fragment:
  - zerto_msp.billing.attributes
  - zerto_msp.billing.attributes.PLATFORM_LINUX
attributes:
  check_mode:
    support: full
    details: The module changes nothing, so check mode runs every probe.
  diff_mode:
    support: none
options:
  url:
    description:
      - The billing endpoint as V(https://host[:port][/path]), for example the URL that
        FTN-20210401 publishes for Zerto 9.0 and later. It is operator data, never built in.
      - The host name is used for SNI, the certificate check and the HTTP C(Host) header, also
        when O(addresses) are probed.
    type: str
    required: true
  addresses:
    description:
      - IP addresses or CIDR ranges to probe directly, for sites that can only allow the
        published IP range. A range is probed address by address (all usable hosts),
        concurrently.
      - When given, the addresses O(url) resolves to are not probed unless O(resolve=true).
    type: list
    elements: str
    default: []
  resolve:
    description:
      - Also probe every address O(url) resolves to on the managed host.
      - Defaults to V(true) when O(addresses) is empty, V(false) otherwise.
      - Through a O(proxy), the proxy resolves the name, so the name itself is probed once.
    type: bool
  port:
    description:
      - TCP port of the endpoint. Defaults to the port in O(url), else 443.
    type: int
  timeout:
    description:
      - Seconds allowed for each stage (TCP connect, proxy CONNECT, TLS handshake, HTTP answer).
      - Use 1.5 seconds or more to tell a local firewall drop from an upstream drop; shorter
        timeouts end before the kernel's first SYN retransmission and report an inconclusive
        V(tcp_timeout).
    type: float
    default: 5
  max_workers:
    description:
      - How many addresses are probed at once.
    type: int
    default: 64
  max_addresses:
    description:
      - Refuse to probe more than this many addresses (a safety net against a mistyped range).
    type: int
    default: 4096
  proxy:
    description:
      - Probe through this HTTP forward proxy with C(CONNECT), as V(http://[user:password@]host:port).
      - Credentials are sent as C(Proxy-Authorization) and never logged or returned.
    type: str
  ca_path:
    description:
      - A PEM CA bundle to trust instead of the system store, for example when a TLS
        inspection proxy re-signs traffic.
    type: path
  validate_certs:
    description:
      - Check the certificate chain, its validity dates and that it matches the host name.
    type: bool
    default: true
  http_check:
    description:
      - After TLS, send one HTTP C(GET) for the URL's path. Any HTTP answer counts as
        reachable unless O(expected_status) lists the acceptable codes.
    type: bool
    default: true
  expected_status:
    description:
      - HTTP status codes that count as reachable. Empty means any HTTP answer.
    type: list
    elements: int
    default: []
  require:
    description:
      - V(any) fails the task unless at least one probed address is reachable.
      - V(all) fails the task unless every probed address is reachable.
      - V(none) only reports.
    type: str
    choices: [any, all, none]
    default: any
notes:
  - Run it on the ZVM host (or a host in the same network position), not delegated to
    localhost, or it tests the controller's network instead.
  - Telling a local drop from an upstream drop uses Linux C(TCP_INFO); telling a local reject
    from a remote one uses the ICMP error's sender (C(IP_RECVERR)). A local C(reject with tcp
    reset) cannot be told from a remote refusal and is reported as V(tcp_refused).
seealso:
  - name: Field notice FTN-20210401
    description: Zerto's notice of the new billing URL and IP range in Zerto 9.0.
    link: https://help.zerto.com/
  - module: ansible.builtin.wait_for
  - module: ansible.builtin.uri
"""

EXAMPLES = r"""
- name: Check that the ZVM reaches the new billing URL (every resolved address)
  zerto_msp.billing.egress_probe:
    url: "{{ zerto_billing_new_url }}"

- name: Check the published IP range, with the URL's name for SNI and certificate checks
  zerto_msp.billing.egress_probe:
    url: "{{ zerto_billing_new_url }}"
    addresses: "{{ zerto_billing_new_cidrs }}"
    require: all
    timeout: 3
    max_workers: 128

- name: Through the site's forward proxy, only report
  zerto_msp.billing.egress_probe:
    url: "{{ zerto_billing_new_url }}"
    proxy: "http://{{ proxy_user }}:{{ proxy_password }}@proxy.example.net:3128"
    require: none
  register: billing_probe

- name: Say what failed
  ansible.builtin.debug:
    msg: "{{ billing_probe.summary }}"
"""

RETURN = r"""
reachable:
  description: Whether at least one probed address was reachable end to end.
  returned: always
  type: bool
  sample: true
all_reachable:
  description: Whether every probed address was reachable end to end.
  returned: always
  type: bool
  sample: false
summary:
  description: One sentence for humans, with the count of each failure class and its meaning.
  returned: always
  type: str
  sample: "1 of 2 probed addresses of billing.example.com reachable on port 443; 1 tcp_timeout (...)."
error_classes:
  description: How many probed addresses ended in each RV(results[].error_class).
  returned: always
  type: dict
  sample: {"ok": 1, "tcp_timeout": 1}
host:
  description: The host name taken from O(url).
  returned: always
  type: str
port:
  description: The TCP port probed.
  returned: always
  type: int
proxy:
  description: The proxy used, without credentials.
  returned: when O(proxy) is set
  type: str
  sample: proxy.example.net:3128
results:
  description: One entry per probed address (one entry without address for a DNS failure).
  returned: always
  type: list
  elements: dict
  contains:
    address:
      description: The IP address probed, the host name when a proxy resolves it, or null.
      type: str
    family:
      description: V(ipv4), V(ipv6), or null for a host name.
      type: str
    reachable:
      description: Whether this address was reachable end to end.
      type: bool
    error_class:
      description:
        - V(ok), V(dns_failure), V(blocked_locally) (this host's own output firewall drops or
          rejects it), V(tcp_timeout) (filtered upstream, dropped silently), V(tcp_refused),
          V(tcp_unreachable), V(tls_failure), V(cert_untrusted), V(cert_hostname_mismatch),
          V(cert_expired), V(proxy_failure) or V(http_failure).
      type: str
    stage_failed:
      description: V(dns), V(proxy), V(tcp), V(tls), V(http), or null when reachable.
      type: str
    detail:
      description: What was observed, as a sentence with the evidence.
      type: str
    tcp_ms:
      description: Milliseconds to establish TCP (to the proxy when one is used).
      type: float
    tls_ms:
      description: Milliseconds for the TLS handshake.
      type: float
    http_status:
      description: The HTTP status answered, when the HTTP check ran.
      type: int
    tls_version:
      description: The negotiated TLS version.
      type: str
    tls_cipher:
      description: The negotiated cipher suite.
      type: str
    proxy_status:
      description: The status code of the proxy's answer to C(CONNECT).
      type: int
    cert:
      description: The server certificate (also when it failed validation).
      type: dict
      contains:
        subject:
          description: Subject distinguished name.
          type: str
        issuer:
          description: Issuer distinguished name.
          type: str
        not_after:
          description: End of validity, ISO 8601 UTC.
          type: str
        days_left:
          description: Whole days until RV(results[].cert.not_after); negative when expired.
          type: int
        subject_alt_names:
          description: Subject alternative names as C(type:value).
          type: list
          elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import inputs, runner, tls


def _argument_spec():
    return dict(
        url=dict(type="str", required=True),
        addresses=dict(type="list", elements="str", default=[]),
        resolve=dict(type="bool"),
        port=dict(type="int"),
        timeout=dict(type="float", default=5.0),
        max_workers=dict(type="int", default=64),
        max_addresses=dict(type="int", default=4096),
        proxy=dict(type="str", no_log=True),
        ca_path=dict(type="path"),
        validate_certs=dict(type="bool", default=True),
        http_check=dict(type="bool", default=True),
        expected_status=dict(type="list", elements="int", default=[]),
        require=dict(type="str", choices=["any", "all", "none"], default="any"),
    )


def _settings(params):
    endpoint = inputs.parse_url(params["url"])
    if params["port"] is not None:
        endpoint.port = inputs.check_port("port", params["port"])
    if params["timeout"] <= 0:
        raise inputs.InputError("timeout", "must be greater than 0 seconds")
    if not 1 <= params["max_workers"] <= 1024:
        raise inputs.InputError("max_workers", "must be between 1 and 1024")
    for status in params["expected_status"]:
        if not 100 <= status <= 599:
            raise inputs.InputError("expected_status", "%r is not an HTTP status code" % status)
    proxy = inputs.parse_proxy(params["proxy"]) if params["proxy"] else None
    if params["ca_path"] and params["validate_certs"]:
        try:
            context = tls.make_context(True, params["ca_path"])
        except (IOError, OSError, ValueError) as error:
            raise inputs.InputError("ca_path", "cannot load %s: %s" % (params["ca_path"], error))
    else:
        context = tls.make_context(params["validate_certs"], None)
    return runner.Settings(endpoint, params["timeout"], context, params["http_check"],
                           params["expected_status"], proxy)


def _targets(settings, params):
    """(addresses to probe, DNS failure result or None)."""
    networks = inputs.parse_networks(params["addresses"])
    addresses = inputs.expand(networks, params["max_addresses"])
    resolve = params["resolve"] if params["resolve"] is not None else not addresses
    if not resolve:
        return addresses, None
    if settings.proxy is not None or settings.endpoint.host_is_ip:
        return [settings.endpoint.host] + [a for a in addresses if a != settings.endpoint.host], None
    try:
        resolved = runner.resolve(settings.endpoint.host, settings.endpoint.port)
    except (OSError, UnicodeError) as error:
        return addresses, runner.dns_failure(settings.endpoint.host, error)
    return resolved + [a for a in addresses if a not in resolved], None


def main():
    module = AnsibleModule(argument_spec=_argument_spec(), supports_check_mode=True)
    params = module.params
    try:
        settings = _settings(params)
        addresses, dns_result = _targets(settings, params)
    except inputs.InputError as error:
        module.fail_json(msg=str(error), option=error.option)

    results = ([dns_result] if dns_result else []) + runner.probe_all(settings, addresses, params["max_workers"])
    verdict = runner.summarize(results, settings.endpoint.host, settings.endpoint.port, params["require"])
    output = dict(
        changed=False,
        host=settings.endpoint.host,
        port=settings.endpoint.port,
        results=results,
        reachable=verdict["reachable"],
        all_reachable=verdict["all_reachable"],
        summary=verdict["summary"],
        error_classes=verdict["error_classes"],
    )
    if settings.proxy is not None:
        output["proxy"] = settings.proxy.display
    if not verdict["passed"]:
        module.fail_json(msg="Billing endpoint check failed (require=%s): %s" % (params["require"], verdict["summary"]),
                         **output)
    module.exit_json(**output)


if __name__ == "__main__":
    main()
