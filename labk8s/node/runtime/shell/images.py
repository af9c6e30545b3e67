"""What common images contain: their config (ENTRYPOINT, CMD, ENV, STOPSIGNAL) and a base filesystem.

Families: ``busybox`` (busybox, registry.k8s.io/busybox), ``alpine`` (busybox applets plus apk; the
``bash`` image adds /usr/local/bin/bash), ``debian`` (dash as /bin/sh, bash, coreutils: ubuntu, debian,
nginx, httpd, redis, postgres, perl, python, node, hpa-example; mysql is Oracle Linux, close enough),
``pause`` (nothing but /pause) and ``opaque`` (any other image: labk8s does not know its contents, so
every executable is assumed to exist and unknown programs run until signalled).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from labk8s.node.runtime.shell.filesystem import File, Filesystem
from labk8s.node.runtime.shell.servers import _nginx_modern, image_version

__all__ = ["ImageConfig", "base_filesystem", "container_argv", "image_config", "image_family", "image_repo"]

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

BUSYBOX_APPLETS = (
    "[", "[[", "addgroup", "adduser", "ar", "arp", "ash", "awk", "base64", "basename", "bc", "blkid",
    "bunzip2", "bzcat", "cal", "cat", "chgrp", "chmod", "chown", "chroot", "cksum", "clear", "cmp", "cp",
    "crond", "crontab", "cut", "date", "dc", "dd", "df", "diff", "dirname", "dmesg", "dnsdomainname",
    "du", "echo", "egrep", "env", "expand", "expr", "false", "fgrep", "find", "free", "fsync", "getopt",
    "grep", "gunzip", "gzip", "halt", "head", "hexdump", "hostid", "hostname", "httpd", "id", "ifconfig",
    "install", "ip", "ipcalc", "kill", "killall", "less", "link", "ln", "logger", "login", "ls", "lsof",
    "md5sum", "mkdir", "mkfifo", "mknod", "mktemp", "more", "mount", "mv", "nc", "netstat", "nice",
    "nl", "nohup", "nproc", "nslookup", "od", "passwd", "paste", "pgrep", "pidof", "ping", "ping6",
    "pkill", "printenv", "printf", "ps", "pwd", "readlink", "realpath", "reboot", "renice", "reset",
    "rev", "rm", "rmdir", "route", "sed", "seq", "sh", "sha1sum", "sha256sum", "sleep", "sort", "split",
    "stat", "strings", "stty", "su", "sync", "sysctl", "tac", "tail", "tar", "tee", "telnet", "test",
    "time", "timeout", "top", "touch", "tr", "traceroute", "true", "truncate", "tty", "umount", "uname",
    "uniq", "unlink", "unzip", "uptime", "usleep", "uudecode", "uuencode", "vi", "watch", "wc", "wget",
    "which", "whoami", "xargs", "yes", "zcat",
)
COREUTILS = (
    "basename", "cat", "chgrp", "chmod", "chown", "cp", "cut", "date", "dd", "df", "dirname", "du",
    "echo", "env", "expr", "false", "find", "grep", "egrep", "fgrep", "head", "hostname", "id", "kill",
    "ln", "ls", "mkdir", "mktemp", "mv", "nproc", "printenv", "printf", "pwd", "readlink", "rev", "rm",
    "rmdir", "sed", "seq", "sleep", "sort", "stat", "tail", "tee", "test", "[", "timeout", "touch", "tr",
    "true", "uname", "uniq", "wc", "whoami", "xargs", "yes", "tac", "gzip", "tar", "which", "awk", "ps",
)


@dataclass(frozen=True)
class ImageConfig:
    """The OCI image config fields the kubelet and runtime use."""

    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=lambda: {"PATH": PATH})
    workdir: str = "/"
    stop_signal: str = "SIGTERM"


def image_repo(image: str) -> str:
    """Last path element of the repository: ``registry.k8s.io/busybox:1.27.2`` -> ``busybox``."""
    ref = image.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    return last.split(":", 1)[0]


def image_family(image: str) -> str:
    repo = image_repo(image)
    if repo == "busybox":
        return "busybox"
    if repo in ("alpine", "bash"):
        return "alpine"
    if repo == "pause":
        return "pause"
    if repo in ("ubuntu", "debian", "nginx", "httpd", "redis", "postgres", "mysql", "perl", "python",
                "node", "hpa-example", "php"):
        return "debian"
    if repo.endswith("-alpine") or image.split(":")[-1].endswith("-alpine"):
        return "alpine"
    return "opaque"


_CONFIGS: dict[str, Callable[[str], ImageConfig]] = {
    "busybox": lambda _i: ImageConfig(cmd=["sh"]),
    "alpine": lambda _i: ImageConfig(cmd=["/bin/sh"]),
    "bash": lambda _i: ImageConfig(entrypoint=["docker-entrypoint.sh"], cmd=["bash"]),
    "ubuntu": lambda _i: ImageConfig(cmd=["/bin/bash"]),
    "debian": lambda _i: ImageConfig(cmd=["bash"]),
    "nginx": lambda i: ImageConfig(
        entrypoint=["/docker-entrypoint.sh"] if _nginx_modern(i) else [], cmd=["nginx", "-g", "daemon off;"],
        env={"PATH": PATH, "NGINX_VERSION": image_version(i, "nginx")},
        stop_signal="SIGQUIT" if _nginx_modern(i) else "SIGTERM"),
    "httpd": lambda i: ImageConfig(cmd=["httpd-foreground"], workdir="/usr/local/apache2", stop_signal="SIGWINCH",
                                   env={"PATH": "/usr/local/apache2/bin:" + PATH,
                                        "HTTPD_VERSION": image_version(i, "httpd")}),
    "redis": lambda i: ImageConfig(entrypoint=["docker-entrypoint.sh"], cmd=["redis-server"], workdir="/data",
                                   env={"PATH": PATH, "REDIS_VERSION": image_version(i, "redis")}),
    "mysql": lambda i: ImageConfig(entrypoint=["docker-entrypoint.sh"], cmd=["mysqld"],
                                   env={"PATH": PATH, "MYSQL_VERSION": image_version(i, "mysql")}),
    "postgres": lambda i: ImageConfig(entrypoint=["docker-entrypoint.sh"], cmd=["postgres"], stop_signal="SIGINT",
                                      env={"PATH": PATH + ":/usr/lib/postgresql/bin",
                                           "PGDATA": "/var/lib/postgresql/data"}),
    "hpa-example": lambda _i: ImageConfig(cmd=["apache2-foreground"], workdir="/var/www/html"),
    "perl": lambda _i: ImageConfig(cmd=["perl", "-de0"], workdir="/usr/src/app"),
    "python": lambda _i: ImageConfig(cmd=["python3"]),
    "node": lambda _i: ImageConfig(entrypoint=["docker-entrypoint.sh"], cmd=["node"]),
    "pause": lambda _i: ImageConfig(entrypoint=["/pause"]),
}

_SERVER_BINARIES: dict[str, tuple[str, ...]] = {
    "bash": ("/usr/local/bin/bash", "/usr/local/bin/docker-entrypoint.sh"),
    "nginx": ("/usr/sbin/nginx", "/docker-entrypoint.sh"),
    "httpd": ("/usr/local/apache2/bin/httpd", "/usr/local/bin/httpd-foreground"),
    "redis": ("/usr/local/bin/redis-server", "/usr/local/bin/redis-cli", "/usr/local/bin/docker-entrypoint.sh"),
    "mysql": ("/usr/sbin/mysqld", "/usr/bin/mysql", "/usr/bin/mysqladmin", "/usr/local/bin/docker-entrypoint.sh"),
    "postgres": ("/usr/lib/postgresql/bin/postgres", "/usr/local/bin/docker-entrypoint.sh",
                 "/usr/bin/psql", "/usr/bin/pg_isready"),
    "hpa-example": ("/usr/local/bin/apache2-foreground", "/usr/sbin/apache2", "/usr/local/bin/php"),
    "perl": ("/usr/local/bin/perl",),
    "python": ("/usr/local/bin/python3", "/usr/local/bin/python", "/usr/local/bin/pip"),
    "node": ("/usr/local/bin/node", "/usr/local/bin/npm", "/usr/local/bin/docker-entrypoint.sh"),
    "pause": ("/pause",),
}


def image_config(image: str) -> ImageConfig:
    """Config of a known image; unknown images have no ENTRYPOINT/CMD that labk8s knows of."""
    make = _CONFIGS.get(image_repo(image))
    if make is None:
        return ImageConfig(cmd=["sh"]) if image_family(image) == "alpine" else ImageConfig()
    return make(image)


def container_argv(image: str, command: list[str] | None, args: list[str] | None) -> list[str]:
    """The argv the runtime starts (Kubernetes' rules): ``command`` replaces ENTRYPOINT and drops CMD;
    ``args`` alone replaces CMD and keeps ENTRYPOINT."""
    cfg = image_config(image)
    if command:
        return [*command, *(args or [])]
    if args:
        return [*cfg.entrypoint, *args]
    return [*cfg.entrypoint, *cfg.cmd]


def _binary(fs: Filesystem, path: str) -> None:
    parent = path.rsplit("/", 1)[0] or "/"
    fs.mkdir(parent, parents=True)
    fs.write(path, "\x7fELF " + path.rsplit("/", 1)[-1] + "\n")
    fs.chmod(path, 0o755)


def base_filesystem(image: str, hostname: str = "localhost", clock: Callable[[], int] | None = None) -> Filesystem:
    """A fresh root filesystem unpacked from ``image``: /bin, /etc (hostname, hosts, passwd, ...),
    /proc, /dev (null), /tmp, /root, /var, the image's programs."""
    family = image_family(image)
    fs = Filesystem(image=image, opaque=family == "opaque")
    for d in ("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/etc", "/proc", "/sys", "/dev",
              "/tmp", "/root", "/home", "/var/log", "/var/run", "/run", "/mnt", "/opt", "/srv"):
        fs.mkdir(d, parents=True)
    fs.chmod("/tmp", 0o1777)
    if family == "pause":
        fs.root.children = {k: v for k, v in fs.root.children.items() if k in ("dev", "proc", "sys", "etc")}
    fs.root.children["dev"].children["null"] = File(mode=0o666, device="null")  # type: ignore[union-attr]
    fs.write("/etc/hostname", hostname + "\n")
    fs.write("/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
    fs.write("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
    fs.write("/etc/group", "root:x:0:\nnogroup:x:65534:\n")
    fs.write("/etc/resolv.conf", "nameserver 10.96.0.10\n")
    fs.write("/proc/version", "Linux version 6.8.0-labk8s (labk8s) #1 SMP PREEMPT_DYNAMIC\n")
    if family in ("busybox", "alpine"):
        _binary(fs, "/bin/busybox")
        for name in BUSYBOX_APPLETS:
            _binary(fs, "/bin/" + name)
        if family == "alpine":
            fs.write("/etc/alpine-release", "3.22.2\n")
            _binary(fs, "/sbin/apk")
    elif family == "debian":
        for name in COREUTILS:
            _binary(fs, "/usr/bin/" + name)
        for name in ("sh", "dash", "bash"):
            _binary(fs, "/bin/" + name)
        fs.write("/etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nID=debian\n')
    for path in _SERVER_BINARIES.get(image_repo(image), ()):
        _binary(fs, path)
    fs.clock = clock or (lambda: 0)
    return fs
