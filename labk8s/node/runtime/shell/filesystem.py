"""A container's filesystem: an in-memory tree of directories and text files, with mount points.

A volume is another :class:`Filesystem` mounted at a path (optionally a sub-path of it, which may be a
single file, as with ``subPath``); containers of one pod that mount the same object see each other's
writes at once, like a bind mount. Paths are resolved lexically (no symlinks): ``.`` and ``..`` are
folded before the mount table is consulted.

File contents are ``str``; ``bytes`` written are decoded as UTF-8 (undecodable bytes kept with
``surrogateescape``) because every tool here works on text. Errors are :class:`FsError` carrying the
errno name and the C library's message, so tools can print busybox's ``can't open 'x': No such file or
directory``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Dir", "File", "FsError", "Filesystem", "Stat", "normalize"]

STRERROR: dict[str, str] = {
    "ENOENT": "No such file or directory",
    "EEXIST": "File exists",
    "ENOTDIR": "Not a directory",
    "EISDIR": "Is a directory",
    "ENOTEMPTY": "Directory not empty",
    "EROFS": "Read-only file system",
    "EBUSY": "Resource busy",
    "EACCES": "Permission denied",
    "EINVAL": "Invalid argument",
}


class FsError(OSError):
    """A failed filesystem call: ``code`` is the errno name, ``str(err)`` the C library message."""

    def __init__(self, code: str, path: str) -> None:
        super().__init__(STRERROR.get(code, code))
        self.code = code
        self.path = path

    def __str__(self) -> str:
        return STRERROR.get(self.code, self.code)


@dataclass
class File:
    data: str = ""
    mode: int = 0o644
    mtime_ms: int = 0
    #: "null" for /dev/null (reads empty, swallows writes); "" for a regular file.
    device: str = ""


@dataclass
class Dir:
    children: dict[str, File | Dir] = field(default_factory=dict)
    mode: int = 0o755
    mtime_ms: int = 0


@dataclass(frozen=True)
class Stat:
    kind: str  # "file" | "dir" | "device"
    size: int
    mode: int
    mtime_ms: int


@dataclass(frozen=True)
class _Mount:
    fs: Filesystem
    subpath: tuple[str, ...]
    read_only: bool


def normalize(path: str, cwd: str = "/") -> str:
    """Absolute, lexically clean form of ``path`` relative to ``cwd`` (``/a/./b/../c`` -> ``/a/c``)."""
    return "/" + "/".join(_parts(path, cwd))


def _parts(path: str, cwd: str = "/") -> tuple[str, ...]:
    full = path if path.startswith("/") else cwd.rstrip("/") + "/" + path
    out: list[str] = []
    for part in full.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out:
                out.pop()
            continue
        out.append(part)
    return tuple(out)


def _encode(data: str | bytes) -> str:
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="surrogateescape")
    return data


class Filesystem:
    """An in-memory tree with a mount table. All paths are absolute (see :func:`normalize`)."""

    def __init__(self, clock: Callable[[], int] | None = None, read_only: bool = False,
                 image: str = "", opaque: bool = False) -> None:
        self.root = Dir()
        #: Virtual time source for modification times (the kubelet passes the loop's clock).
        self.clock: Callable[[], int] = clock or (lambda: 0)
        #: readOnlyRootFilesystem: writes to this tree (not to volumes mounted on it) fail with EROFS.
        self.read_only = read_only
        #: The image this tree was unpacked from ("" for volumes).
        self.image = image
        #: True for images whose contents labk8s does not model: any executable is assumed present.
        self.opaque = opaque
        self._mounts: dict[tuple[str, ...], _Mount] = {}

    # -- mounts -----------------------------------------------------------------------------------
    def mount(self, path: str, fs: Filesystem, subpath: str = "", read_only: bool = False) -> None:
        """Mount ``fs`` (or its ``subpath``, a directory or a single file) at ``path``.

        The mount point is created in this tree first, as the container runtime does.
        """
        target = _parts(path)
        source = _parts(subpath) if subpath else ()
        if not target:
            raise FsError("EBUSY", "/")
        src_node = fs._walk(source) if source else fs.root
        if src_node is None:
            # The kubelet creates a missing subPath as a directory.
            fs.mkdir("/" + "/".join(source), parents=True)
            src_node = fs._walk(source)
        self._ensure_mount_point(target, is_dir=isinstance(src_node, Dir))
        self._mounts[target] = _Mount(fs, source, read_only)

    def unmount(self, path: str) -> None:
        self._mounts.pop(_parts(path), None)

    def mounts(self) -> list[tuple[str, Filesystem]]:
        return [("/" + "/".join(k), m.fs) for k, m in sorted(self._mounts.items())]

    def _ensure_mount_point(self, parts: tuple[str, ...], is_dir: bool) -> None:
        fs, local, _ = self._locate(parts[:-1])
        parent = fs._mkdirs(local)
        name = parts[-1]
        if name not in parent.children:
            parent.children[name] = Dir(mtime_ms=fs.clock()) if is_dir else File(mtime_ms=fs.clock())

    def _locate(self, parts: tuple[str, ...]) -> tuple[Filesystem, tuple[str, ...], bool]:
        """The filesystem that holds ``parts``, the path inside it, and whether a mount is read-only."""
        for n in range(len(parts), 0, -1):
            mnt = self._mounts.get(parts[:n])
            if mnt is not None:
                fs, local, ro = mnt.fs._locate(mnt.subpath + parts[n:])
                return fs, local, ro or mnt.read_only
        return self, parts, False

    def _is_mount_point(self, parts: tuple[str, ...]) -> bool:
        if parts in self._mounts:
            return True
        for n in range(len(parts) - 1, 0, -1):
            mnt = self._mounts.get(parts[:n])
            if mnt is not None:
                return mnt.fs._is_mount_point(mnt.subpath + parts[n:])
        return False

    # -- tree walking -------------------------------------------------------------------------
    def _walk(self, parts: tuple[str, ...]) -> File | Dir | None:
        node: File | Dir = self.root
        for part in parts:
            if not isinstance(node, Dir):
                return None
            child = node.children.get(part)
            if child is None:
                return None
            node = child
        return node

    def _mkdirs(self, parts: tuple[str, ...]) -> Dir:
        node = self.root
        for part in parts:
            child = node.children.get(part)
            if child is None:
                child = Dir(mtime_ms=self.clock())
                node.children[part] = child
            if not isinstance(child, Dir):
                raise FsError("ENOTDIR", "/" + "/".join(parts))
            node = child
        return node

    def _node(self, path: str) -> File | Dir | None:
        fs, local, _ = self._locate(_parts(path))
        return fs._walk(local)

    def _parent(self, path: str, write: bool) -> tuple[Filesystem, Dir, str]:
        """The directory that holds ``path`` and the entry name; raises like open(2) would."""
        parts = _parts(path)
        if not parts:
            raise FsError("EISDIR" if write else "EBUSY", path)
        fs, local, ro = self._locate(parts)
        if not local:  # the root of a mounted filesystem
            raise FsError("EBUSY", path)
        parent = fs._walk(local[:-1])
        if parent is None:
            raise FsError("ENOENT", path)
        if not isinstance(parent, Dir):
            raise FsError("ENOTDIR", path)
        if write and (ro or fs.read_only):
            raise FsError("EROFS", path)
        return fs, parent, local[-1]

    # -- queries ---------------------------------------------------------------------------------
    def exists(self, path: str) -> bool:
        return self._node(path) is not None

    def is_dir(self, path: str) -> bool:
        return isinstance(self._node(path), Dir)

    def is_file(self, path: str) -> bool:
        return isinstance(self._node(path), File)

    def stat(self, path: str) -> Stat:
        node = self._node(path)
        if node is None:
            raise FsError("ENOENT", path)
        if isinstance(node, Dir):
            return Stat("dir", 4096, node.mode, node.mtime_ms)
        kind = "device" if node.device else "file"
        return Stat(kind, len(node.data.encode("utf-8", errors="surrogateescape")), node.mode, node.mtime_ms)

    def listdir(self, path: str) -> list[str]:
        node = self._node(path)
        if node is None:
            raise FsError("ENOENT", path)
        if not isinstance(node, Dir):
            raise FsError("ENOTDIR", path)
        return sorted(node.children)

    def read(self, path: str) -> str:
        node = self._node(path)
        if node is None:
            raise FsError("ENOENT", path)
        if isinstance(node, Dir):
            raise FsError("EISDIR", path)
        return "" if node.device else node.data

    def usage_bytes(self) -> int:
        """Bytes held by files of this tree (volumes mounted on it not included): emptyDir usage."""
        total = 0
        stack: list[File | Dir] = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, Dir):
                stack.extend(node.children.values())
            elif not node.device:
                total += len(node.data.encode("utf-8", errors="surrogateescape"))
        return total

    # -- changes ---------------------------------------------------------------------------------
    def write(self, path: str, data: str | bytes, append: bool = False) -> None:
        """open(O_CREAT|O_TRUNC or O_APPEND) + write: the parent directory must exist."""
        text = _encode(data)
        fs, parent, name = self._parent(path, write=True)
        node = parent.children.get(name)
        if isinstance(node, Dir):
            raise FsError("EISDIR", path)
        now = fs.clock()
        if node is None:
            parent.children[name] = File(text, mtime_ms=now)
            parent.mtime_ms = now
        elif not node.device:
            node.data = node.data + text if append else text
            node.mtime_ms = now

    def append(self, path: str, data: str | bytes) -> None:
        self.write(path, data, append=True)

    def touch(self, path: str) -> None:
        fs, parent, name = self._parent(path, write=True)
        node = parent.children.get(name)
        if node is None:
            parent.children[name] = File(mtime_ms=fs.clock())
        else:
            node.mtime_ms = fs.clock()

    def mkdir(self, path: str, parents: bool = False, exist_ok: bool = False) -> None:
        parts = _parts(path)
        if parents:
            for n in range(1, len(parts) + 1):
                node = self._node("/" + "/".join(parts[:n]))
                if node is None:
                    self.mkdir("/" + "/".join(parts[:n]))
                elif not isinstance(node, Dir):
                    raise FsError("ENOTDIR", path)
            return
        fs, parent, name = self._parent(path, write=True)
        if name in parent.children:
            if exist_ok and isinstance(parent.children[name], Dir):
                return
            raise FsError("EEXIST", path)
        parent.children[name] = Dir(mtime_ms=fs.clock())

    def chmod(self, path: str, mode: int) -> None:
        node = self._node(path)
        if node is None:
            raise FsError("ENOENT", path)
        node.mode = mode

    def remove(self, path: str, recursive: bool = False) -> None:
        """unlink(2) for files; rmdir(2) for empty directories; the whole subtree if ``recursive``."""
        parts = _parts(path)
        if self._is_mount_point(parts):
            if recursive and self.is_dir(path):
                for name in self.listdir(path):
                    self.remove(normalize(name, path), recursive=True)
            raise FsError("EBUSY", path)
        fs, parent, name = self._parent(path, write=True)
        node = parent.children.get(name)
        if node is None:
            raise FsError("ENOENT", path)
        if isinstance(node, Dir):
            if not recursive and node.children:
                raise FsError("ENOTEMPTY", path)
            # Volumes mounted below are unmounted from the view first (their data survives).
            for child in list(node.children):
                sub = normalize(child, path)
                if self._is_mount_point(_parts(sub)) or self.is_dir(sub):
                    self.remove(sub, recursive=True)
        del parent.children[name]
        parent.mtime_ms = fs.clock()

    def copy(self, src: str, dst: str, recursive: bool = False) -> None:
        node = self._node(src)
        if node is None:
            raise FsError("ENOENT", src)
        if isinstance(node, Dir):
            if not recursive:
                raise FsError("EISDIR", src)
            if not self.exists(dst):
                self.mkdir(dst)
            for name in self.listdir(src):
                self.copy(normalize(name, src), normalize(name, dst), recursive=True)
            return
        self.write(dst, node.data)
        self.chmod(dst, node.mode)

    def rename(self, src: str, dst: str) -> None:
        node = self._node(src)
        if node is None:
            raise FsError("ENOENT", src)
        src_fs, _, _ = self._locate(_parts(src))
        dst_fs, _, _ = self._locate(_parts(dst))
        if src_fs is dst_fs and not self._is_mount_point(_parts(src)):
            _, sparent, sname = self._parent(src, write=True)
            _, dparent, dname = self._parent(dst, write=True)
            existing = dparent.children.get(dname)
            if isinstance(existing, Dir) and existing.children:
                raise FsError("ENOTEMPTY", dst)
            dparent.children[dname] = sparent.children.pop(sname)
            return
        # Across filesystems rename(2) fails with EXDEV; mv then copies and deletes.
        self.copy(src, dst, recursive=True)
        self.remove(src, recursive=True)
