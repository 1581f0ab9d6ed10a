# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Connection and authentication options of the modules that talk to a ZVM REST API."""

    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of the ZVM REST API.
      - A Windows ZVM listens on port 9669, for example V(https://zvm01.example.net:9669).
      - A ZVM Appliance listens on 443, for example V(https://zvma01.example.net).
      - Only C(https) is accepted. A path, if given, is kept as a prefix of every API path.
    type: str
    required: true
  username:
    description:
      - User for Windows ZVM session login (HTTP Basic) or for the Keycloak password grant.
      - Falls back to the E(ZERTO_ZVM_USERNAME) environment variable.
    type: str
  password:
    description:
      - Password of O(username).
      - Falls back to the E(ZERTO_ZVM_PASSWORD) environment variable.
    type: str
  client_id:
    description:
      - Keycloak client id.
      - With O(client_secret) the client credentials grant is used.
      - With O(username) and O(password) it replaces the default C(zerto-client) of the password grant.
      - Falls back to the E(ZERTO_ZVM_CLIENT_ID) environment variable.
    type: str
  client_secret:
    description:
      - Keycloak client secret for the client credentials grant; needs O(client_id).
      - Falls back to the E(ZERTO_ZVM_CLIENT_SECRET) environment variable.
    type: str
  auth:
    description:
      - V(session) is the Windows ZVM flow, V(keycloak) the ZVM Appliance flow.
      - V(auto) decides in this order. A O(client_secret) means V(keycloak). Port 9669 in O(api_url)
        means V(session). Otherwise the Keycloak token endpoint is tried with the password grant
        and, unless it answers like Keycloak (a token or an OAuth error), V(session) is used on the
        same URL. The port is never changed.
    type: str
    choices: [auto, session, keycloak]
    default: auto
  validate_certs:
    description:
      - Check the ZVM certificate against O(ca_path) or the CA bundle of C(requests).
      - Set to V(false) only in a lab.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file (or directory prepared with C(c_rehash)) of the CA that signed the ZVM certificate.
      - The E(REQUESTS_CA_BUNDLE) environment variable is not read.
    type: path
  timeout:
    description:
      - Seconds to wait for the connection and for each answer.
    type: int
    default: 30
  proxy:
    description:
      - HTTP proxy for the API calls, for example V(http://proxy.example.net:3128).
      - When unset, the E(https_proxy) and E(no_proxy) environment variables apply.
      - Credentials may be given in the URL; the value is treated as a secret and never echoed.
    type: str
notes:
  - The module runs on the controller or the execution environment, which must reach O(api_url).
  - Failures return RV(error_class) (V(wrong_credentials), V(api_unreachable), V(tls_failure),
    V(unexpected_response), V(invalid_options)) and, where known, RV(error_reason) and
    RV(http_status). Secrets never appear in the output.
requirements:
  - requests
"""
