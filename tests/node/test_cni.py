"""CNI on a node: configuration loading, the bridge + host-local plugins, ADD/DEL/CHECK and error codes."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from labk8s._sim import Rng
from labk8s.node.cni import CniError, CniRunner, NodeNetwork, conf_list_from_bytes, default_conflist
from labk8s.node.cni.bridge import format_chain_name
from labk8s.node.cni.spec import SUPPORTED_VERSIONS, Result
from labk8s.node.nodefs import node_filesystem
from labk8s.node.runtime.shell import Filesystem

NETS = "/var/lib/cni/networks/cbr0"


def _node(pod_cidr: str | None = "10.244.1.0/24") -> tuple[Filesystem, NodeNetwork, CniRunner]:
    rng = Rng(7)
    fs = node_filesystem("node-1", "172.18.0.3", pod_cidr)
    net = NodeNetwork("172.18.0.3", rng.child("net"))
    return fs, net, CniRunner(fs, net, rng.child("cni"))


def _cid(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def _add(net: NodeNetwork, cni: CniRunner, n: int) -> tuple[str, Result]:
    ns = net.new_netns()
    return ns.path, cni.setup(_cid(n), ns.path, {"K8S_POD_NAME": f"p{n}", "K8S_POD_NAMESPACE": "default"})


# -- configuration -----------------------------------------------------------------------------------
def test_default_conflist_is_bridge_with_host_local_over_the_pod_cidr() -> None:
    conf = conf_list_from_bytes(default_conflist("10.244.1.0/24"))
    assert (conf.name, conf.cni_version, conf.plugin_types()) == ("cbr0", "1.0.0", ["bridge", "portmap"])
    assert conf.plugins[0]["ipam"] == {"type": "host-local", "ranges": [[{"subnet": "10.244.1.0/24"}]],
                                       "routes": [{"dst": "0.0.0.0/0"}]}
    fs, _, cni = _node()
    assert fs.listdir("/etc/cni/net.d") == ["10-bridge.conflist"]
    assert fs.listdir("/opt/cni/bin") == ["bridge", "host-local", "loopback", "portmap"]
    assert cni.status() is None and cni.config() is not None


@pytest.mark.parametrize("text,message", [
    ("{", "error parsing configuration list: unexpected end of JSON input"),
    ('{"cniVersion": "1.0.0"}', "error parsing configuration list: no name"),
    ('{"name": 3}', "error parsing configuration list: invalid name type float64"),
    ('{"name": "n"}', "error parsing configuration list: no 'plugins' key"),
    ('{"name": "n", "plugins": {}}', "error parsing configuration list: invalid 'plugins' type map[string]interface {}"),
    ('{"name": "n", "plugins": []}', "error parsing configuration list: no plugins in list"),
    ('{"name": "n", "plugins": [{"bridge": "cni0"}]}',
     "failed to parse plugin config 0: error parsing configuration: missing 'type'"),
])
def test_conflist_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        conf_list_from_bytes(text)
    assert str(err.value) == message


def test_runtime_uses_the_lexicographically_first_file_and_reloads_on_change() -> None:
    fs, net, cni = _node(None)
    assert cni.status() == "cni plugin not initialized"
    assert cni.load_error() == ("cni config load failed: no network config found in /etc/cni/net.d: cni plugin "
                                "not initialized: failed to load cni config")
    with pytest.raises(CniError, match="^cni plugin not initialized$"):
        _add(net, cni, 1)
    fs.write("/etc/cni/net.d/20-other.conflist", default_conflist("10.88.0.0/16", network="other"))
    fs.write("/etc/cni/net.d/10-bridge.conflist", default_conflist("10.244.1.0/24"))
    fs.write("/etc/cni/net.d/README", "not a config")
    _, result = _add(net, cni, 1)
    assert result.ips[0].address == "10.244.1.2/24"
    fs.write("/etc/cni/net.d/05-broken.conf", "{")
    assert cni.status() == "cni plugin not initialized"
    assert cni.load_error() == ("cni config load failed: failed to load CNI config file /etc/cni/net.d/05-broken.conf: "
                                "error parsing configuration: unexpected end of JSON input: invalid cni config: "
                                "failed to load cni config")
    fs.write("/etc/cni/net.d/05-broken.conf", json.dumps({
        "cniVersion": "1.0.0", "name": "single", "type": "bridge", "bridge": "br1", "isGateway": True,
        "ipam": {"type": "host-local", "subnet": "10.99.0.0/24"}}))
    _, result = _add(net, cni, 2)
    assert result.ips[0].address == "10.99.0.2/24" and fs.listdir("/var/lib/cni/networks/single")


def test_missing_plugin_binary() -> None:
    fs, net, cni = _node()
    fs.remove("/opt/cni/bin/bridge")
    with pytest.raises(CniError) as err:
        _add(net, cni, 1)
    assert str(err.value) == 'plugin type="bridge" failed (add): failed to find plugin "bridge" in path [/opt/cni/bin]'
    fs.write("/opt/cni/bin/bridge", "\x7fELF bridge\n")
    fs.remove("/opt/cni/bin/host-local")
    with pytest.raises(CniError) as err:
        _add(net, cni, 2)
    assert str(err.value) == ('plugin type="bridge" failed (add): failed to find plugin "host-local" in path '
                              "[/opt/cni/bin]")
    assert err.value.code == 999


# -- host-local leases ----------------------------------------------------------------------------------
def test_leases_are_files_with_the_container_id_and_are_released_on_del() -> None:
    fs, net, cni = _node()
    ns1, r1 = _add(net, cni, 1)
    ns2, r2 = _add(net, cni, 2)
    assert [i.address for i in r1.ips + r2.ips] == ["10.244.1.2/24", "10.244.1.3/24"]
    assert r1.ips[0].gateway == "10.244.1.1" and r1.ips[0].interface == 2
    assert fs.listdir(NETS) == ["10.244.1.2", "10.244.1.3", "last_reserved_ip.0", "lock"]
    assert fs.read(f"{NETS}/10.244.1.2") == _cid(1) + "\r\neth0"
    assert fs.read(f"{NETS}/last_reserved_ip.0") == "10.244.1.3"
    assert fs.read(f"{NETS}/lock") == ""
    cni.teardown(_cid(1), ns1)
    cni.teardown(_cid(1), ns1)  # DEL is idempotent
    cni.teardown(_cid(1), "")  # and works without a namespace
    assert fs.listdir(NETS) == ["10.244.1.3", "last_reserved_ip.0", "lock"]
    _, r3 = _add(net, cni, 3)  # round robin: the next address, not the freed one
    assert r3.ips[0].address == "10.244.1.4/24"


def test_round_robin_wraps_and_skips_the_gateway() -> None:
    fs, net, cni = _node("10.244.1.0/29")  # .1 gateway, .2-.6 usable
    held = [_add(net, cni, n) for n in range(5)]
    assert [r.ips[0].ip for _, r in held] == [f"10.244.1.{i}" for i in range(2, 7)]
    cni.teardown(_cid(1), held[1][0])
    cni.teardown(_cid(3), held[3][0])
    _, again = _add(net, cni, 10)
    assert again.ips[0].ip == "10.244.1.3"  # wrapped past .6 and the gateway, first free
    _, last = _add(net, cni, 11)
    assert last.ips[0].ip == "10.244.1.5"


def test_exhaustion_of_a_slash_30() -> None:
    fs, net, cni = _node("10.244.1.0/30")  # .1 is the gateway, .2 the only address
    _, first = _add(net, cni, 1)
    assert first.ips[0].address == "10.244.1.2/30"
    with pytest.raises(CniError) as err:
        _add(net, cni, 2)
    assert str(err.value) == ('plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses '
                              "available in range set: 10.244.1.1-10.244.1.2")
    assert err.value.code == 999
    assert fs.listdir(NETS) == ["10.244.1.2", "last_reserved_ip.0", "lock"]


def test_too_small_network() -> None:
    fs, net, cni = _node("10.244.1.0/31")
    with pytest.raises(CniError) as err:
        _add(net, cni, 1)
    assert str(err.value) == ('plugin type="bridge" failed (add): invalid range set 0: Network 10.244.1.0/31 too '
                              "small to allocate from")


def test_no_ip_is_ever_held_by_two_live_sandboxes() -> None:
    fs, net, cni = _node("10.244.1.0/28")
    r = random.Random(3)
    live: dict[int, tuple[str, str]] = {}
    for n in range(400):
        if live and (len(live) >= 13 or r.random() < 0.45):
            victim = r.choice(sorted(live))
            cni.teardown(_cid(victim), live.pop(victim)[0])
        else:
            path, result = _add(net, cni, n)
            live[n] = (path, result.ips[0].ip)
        ips = [ip for _, ip in live.values()]
        assert len(ips) == len(set(ips))
        leases = sorted(f for f in fs.listdir(NETS) if f[0].isdigit())
        assert leases == sorted(ips)


# -- bridge ---------------------------------------------------------------------------------------------
def test_add_builds_bridge_veth_and_routes() -> None:
    fs, net, cni = _node()
    assert "cni0" not in net.format_routes()
    path, result = _add(net, cni, 1)
    names = [i.name for i in result.interfaces]
    assert names[0] == "cni0" and names[1].startswith("veth") and len(names[1]) == 12 and names[2] == "eth0"
    assert result.interfaces[2].sandbox == path and result.routes[0].dst == "0.0.0.0/0"
    assert net.host.links["cni0"].addresses == ["10.244.1.1/24"]
    assert net.host.links[names[1]].master == "cni0"
    assert net.get(path).links["eth0"].addresses == ["10.244.1.2/24"]  # type: ignore[union-attr]
    assert net.format_routes(path) == ("default via 10.244.1.1 dev eth0 \n"
                                       "10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2 \n")
    assert net.format_routes() == ("default via 172.18.0.1 dev eth0 \n"
                                   "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 \n"
                                   "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.3 \n")
    chain = format_chain_name("cbr0", _cid(1))
    assert chain.startswith("CNI-") and len(chain) == 29 and net.masquerade[chain][1] == "10.244.1.2/24"
    cached = json.loads(fs.read(f"/var/lib/cni/results/cbr0-{_cid(1)}-eth0"))
    assert cached["kind"] == "cniCacheV1" and cached["result"]["ips"][0]["address"] == "10.244.1.2/24"
    cni.check(_cid(1), path)
    cni.teardown(_cid(1), path)
    assert names[1] not in net.host.links and chain not in net.masquerade
    assert not fs.exists(f"/var/lib/cni/results/cbr0-{_cid(1)}-eth0")
    assert "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 linkdown \n" in net.format_routes()
    net.peer_routes = lambda: [("10.244.2.0/24", "172.18.0.4")]
    assert "10.244.2.0/24 via 172.18.0.4 dev eth0 \n" in net.format_routes()


def test_add_twice_without_del_is_an_error() -> None:
    _, net, cni = _node()
    path, _ = _add(net, cni, 1)
    with pytest.raises(CniError) as err:
        cni.setup(_cid(1), path)
    assert str(err.value).startswith('plugin type="bridge" failed (add): container veth name ("eth0") peer provided '
                                     '("veth')
    assert str(err.value).endswith('") already exists')


def test_bridge_with_another_address_fails_and_releases_the_lease() -> None:
    fs, net, cni = _node()
    bridge = net.host.add_link("cni0", "bridge", "02:00:00:00:00:01")
    bridge.addresses.append("10.88.0.1/16")
    with pytest.raises(CniError) as err:
        _add(net, cni, 1)
    assert str(err.value) == ('plugin type="bridge" failed (add): failed to set bridge addr: "cni0" already has an IP '
                              "address different from 10.244.1.1/24")
    assert fs.listdir(NETS) == ["last_reserved_ip.0", "lock"]


def test_check_fails_when_the_interface_is_gone() -> None:
    _, net, cni = _node()
    path, _ = _add(net, cni, 1)
    net.delete_link(path, "eth0")
    with pytest.raises(CniError, match="^Interface name eth0 not found$"):
        cni.check(_cid(1), path)


def test_portmap_records_host_ports() -> None:
    _, net, cni = _node()
    ns = net.new_netns()
    pms = [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp", "hostIP": ""}]
    cni.setup(_cid(1), ns.path, {}, {"portMappings": pms})
    assert net.host_ports[_cid(1)] == [("", 8080, "tcp", "10.244.1.2", 80)]
    cni.teardown(_cid(1), ns.path, {}, {"portMappings": pms})
    assert _cid(1) not in net.host_ports


# -- the plugin binary interface: error codes of the specification ---------------------------------------
BRIDGE_CONF = {"cniVersion": "1.0.0", "name": "cbr0", "type": "bridge", "bridge": "cni0", "isGateway": True,
               "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.1.0/24"}]]}}


def _env(netns: str, **over: str) -> dict[str, str]:
    env = {"CNI_COMMAND": "ADD", "CNI_CONTAINERID": "abc", "CNI_NETNS": netns, "CNI_IFNAME": "eth0",
           "CNI_PATH": "/opt/cni/bin"}
    env.update(over)
    return {k: v for k, v in env.items() if v != "-"}


@pytest.mark.parametrize("over,conf,code,msg,details", [
    ({"CNI_NETNS": "-"}, BRIDGE_CONF, 4, "required env variables [CNI_NETNS] missing", ""),
    ({"CNI_COMMAND": "-"}, BRIDGE_CONF, 4, "required env variables [CNI_COMMAND] missing", ""),
    ({"CNI_CONTAINERID": "-", "CNI_PATH": "-"}, BRIDGE_CONF, 4,
     "required env variables [CNI_CONTAINERID,CNI_PATH] missing", ""),
    ({}, "{", 6, "error unmarshall network config: unexpected end of JSON input", ""),
    ({}, {**BRIDGE_CONF, "name": ""}, 7, "missing network name", ""),
    ({}, {**BRIDGE_CONF, "name": "a b"}, 7, "invalid characters found in network name", ""),
    ({"CNI_CONTAINERID": "a/b"}, BRIDGE_CONF, 6, "error: invalid characters in containerID: a/b", ""),
    ({"CNI_IFNAME": "a" * 16}, BRIDGE_CONF, 4, "interface name is too long",
     "interface name should be less than 16 characters"),
    ({"CNI_IFNAME": "et:0"}, BRIDGE_CONF, 4, "interface name contains / or : or whitespace characters", ""),
    ({}, {**BRIDGE_CONF, "cniVersion": "2.0.0"}, 1, "incompatible CNI versions",
     'config is "2.0.0", plugin supports ' + "[" + " ".join(f'"{v}"' for v in SUPPORTED_VERSIONS) + "]"),
    ({"CNI_COMMAND": "CHECK"}, {**BRIDGE_CONF, "cniVersion": "0.3.1"}, 1, "config version does not allow CHECK", ""),
    ({"CNI_COMMAND": "CHECK"}, BRIDGE_CONF, 999, "host-local: Failed to find address added by container abc", ""),
    ({"CNI_COMMAND": "FOO"}, BRIDGE_CONF, 4, "unknown CNI_COMMAND: FOO", ""),
    ({}, {**BRIDGE_CONF, "vlan": 5000}, 999, "invalid VLAN ID 5000 (must be between 0 and 4094)", ""),
    ({}, {**BRIDGE_CONF, "ipam": {"type": "host-local"}}, 999, "no IP ranges specified", ""),
    ({"CNI_NETNS": "/var/run/netns/nope"}, BRIDGE_CONF, 999,
     'failed to open netns "/var/run/netns/nope": failed to Statfs "/var/run/netns/nope": no such file or directory',
     ""),
])
def test_plugin_error_codes(over: dict[str, str], conf: object, code: int, msg: str, details: str) -> None:
    _, net, cni = _node()
    ns = net.new_netns()
    stdin = conf if isinstance(conf, str) else json.dumps(conf)
    rc, out = cni.exec_plugin("bridge", _env(ns.path, **over), stdin)
    error = json.loads(out)
    assert rc == 1
    assert (error["code"], error["msg"], error.get("details", "")) == (code, msg, details)


def test_plugin_add_result_del_and_version() -> None:
    fs, net, cni = _node()
    ns = net.new_netns()
    rc, out = cni.exec_plugin("bridge", _env(ns.path), json.dumps(BRIDGE_CONF))
    result = json.loads(out)
    assert rc == 0 and out.startswith('{\n    "cniVersion": "1.0.0",')
    assert result["ips"] == [{"interface": 2, "address": "10.244.1.2/24", "gateway": "10.244.1.1"}]
    assert [i["name"] for i in result["interfaces"]][::2] == ["cni0", "eth0"]
    # ADD again: the interface exists
    rc, out = cni.exec_plugin("bridge", _env(ns.path), json.dumps(BRIDGE_CONF))
    assert rc == 1 and json.loads(out)["code"] == 999
    # host-local on its own refuses a second address for the same container
    rc, out = cni.exec_plugin("host-local", _env(ns.path), json.dumps(BRIDGE_CONF))
    assert json.loads(out)["msg"] == ("failed to allocate for range 0: 10.244.1.2 has been allocated to abc, "
                                      "duplicate allocation is not allowed")
    old = {**BRIDGE_CONF, "cniVersion": "0.3.1"}
    rc, out = cni.exec_plugin("host-local", _env(ns.path, CNI_CONTAINERID="def"), json.dumps(old))
    assert json.loads(out)["ips"] == [{"version": "4", "address": "10.244.1.3/24", "gateway": "10.244.1.1"}]
    for cid in ("abc", "abc", "def"):
        rc, out = cni.exec_plugin("bridge", _env("", CNI_COMMAND="DEL", CNI_CONTAINERID=cid), json.dumps(BRIDGE_CONF))
        assert (rc, out) == (0, "")
    assert fs.listdir(NETS) == ["last_reserved_ip.0", "lock"]
    rc, out = cni.exec_plugin("bridge", {"CNI_COMMAND": "VERSION"}, "")
    assert json.loads(out) == {"cniVersion": "1.1.0", "supportedVersions": list(SUPPORTED_VERSIONS)}
