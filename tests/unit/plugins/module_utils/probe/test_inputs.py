import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import inputs


@pytest.mark.parametrize("url, host, port, path", [
    ("https://billing.example.com", "billing.example.com", 443, "/"),
    ("https://Billing.Example.COM:8443/usage?x=1", "billing.example.com", 8443, "/usage?x=1"),
    ("https://198.51.100.7/", "198.51.100.7", 443, "/"),
    ("https://[2001:db8::1]:9443/", "2001:db8::1", 9443, "/"),
])
def test_parse_url_accepts(url, host, port, path):
    endpoint = inputs.parse_url(url)
    assert (endpoint.host, endpoint.port, endpoint.path) == (host, port, path)


@pytest.mark.parametrize("url, fragment", [
    ("http://billing.example.com", "scheme must be https"),
    ("billing.example.com", "scheme must be https"),
    ("https://", "a host name is required"),
    ("https://bill;ing.example.com", "not a valid host name"),
    ("https://$(reboot).example.com", "not a valid host name"),
    ("https://billing.example.com`id`", "not a valid host name"),
    ("https://billing.example.com:0", "not a TCP port"),
    ("https://billing.example.com:70000", "invalid port"),
    ("https://user:pw@billing.example.com", "must not contain credentials"),
    ("https://billing example.com", "white space"),
    ("", "a URL is required"),
    (None, "a URL is required"),
])
def test_parse_url_rejects_naming_the_option(url, fragment):
    with pytest.raises(inputs.InputError) as error:
        inputs.parse_url(url)
    assert str(error.value).startswith("url: ")
    assert fragment in str(error.value)
    assert error.value.option == "url"


def test_parse_proxy_keeps_credentials_out_of_display():
    proxy = inputs.parse_proxy("http://us%40er:p%3Ass@proxy.example.net:3128")
    assert (proxy.host, proxy.port, proxy.username, proxy.password) == ("proxy.example.net", 3128, "us@er", "p:ss")
    assert "p:ss" not in proxy.display and proxy.display == "proxy.example.net:3128"


@pytest.mark.parametrize("text, fragment", [
    ("http://proxy.example.net", "a port is required"),
    ("https://proxy.example.net:3128", "scheme must be http"),
    ("http://proxy.example.net:3128/path", "must not contain a path"),
    ("http://pro|xy:3128", "not a valid host name"),
])
def test_parse_proxy_rejects(text, fragment):
    with pytest.raises(inputs.InputError) as error:
        inputs.parse_proxy(text)
    assert str(error.value).startswith("proxy: ") and fragment in str(error.value)


def test_parse_networks_dedupes_and_keeps_order():
    networks = inputs.parse_networks(["198.51.100.0/30", "198.51.100.7", "198.51.100.0/30", "2001:db8::/127"])
    assert [str(n) for n in networks] == ["198.51.100.0/30", "198.51.100.7/32", "2001:db8::/127"]


@pytest.mark.parametrize("entry, fragment", [
    ("300.1.1.0/24", "not a valid IP address or CIDR"),
    ("198.51.100.0/33", "not a valid IP address or CIDR"),
    ("198.51.100.5/24", "host bits set; did you mean 198.51.100.0/24?"),
    ("198.51.100.0/24; rm -rf /", "not a valid IP address or CIDR"),
])
def test_parse_networks_rejects(entry, fragment):
    with pytest.raises(inputs.InputError) as error:
        inputs.parse_networks([entry])
    assert str(error.value).startswith("addresses: ") and fragment in str(error.value)


def test_expand_uses_usable_hosts_and_single_addresses():
    networks = inputs.parse_networks(["198.51.100.0/30", "198.51.100.9", "2001:db8::/127"])
    assert inputs.expand(networks, 10) == ["198.51.100.1", "198.51.100.2", "198.51.100.9", "2001:db8::", "2001:db8::1"]


def test_expand_counts_a_slash_24_as_254_hosts():
    assert len(inputs.expand(inputs.parse_networks(["198.51.100.0/24"]), 4096)) == 254


def test_expand_refuses_more_than_the_limit():
    with pytest.raises(inputs.InputError) as error:
        inputs.expand(inputs.parse_networks(["198.51.100.0/24"]), 100)
    assert "max_addresses=100" in str(error.value)


@pytest.mark.parametrize("port", [0, 65536, -1, True, "443"])
def test_check_port(port):
    with pytest.raises(inputs.InputError):
        inputs.check_port("port", port)
