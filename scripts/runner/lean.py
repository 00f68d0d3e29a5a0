"""Small stand-ins for standard modules whose import costs more than the runner's own work.

A plain run imports only what it uses (docs/bench.md, "runner overhead"):
`dataclasses` pulls in `inspect` (~7 ms), `shutil` the compression
modules, `tempfile` `random`; these few functions are all the runner needs
of them.

record     @record class with annotated fields: __init__ (positional or
           keyword, defaults, field(default_factory=...)), __repr__, __eq__
asdict     {field: value} of a record
rmtree     remove a directory tree, ignoring errors
mkdtemp    a new private directory (mode 0700)
which      the executable NAME on PATH, or None
shell_join shlex.join without importing shlex (and re)
"""
import itertools
import os

_counter = itertools.count()


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make):
        self.make = make


def field(default_factory):
    return _Factory(default_factory)


_MISSING = object()


def record(cls):
    names = tuple(cls.__dict__.get("__annotations__", {}))
    defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
    for n, d in defaults.items():
        if isinstance(d, _Factory):
            delattr(cls, n)

    def __init__(self, *args, **kw):
        if len(args) > len(names):
            raise TypeError(f"{cls.__name__}() takes {len(names)} arguments, {len(args)} given")
        for n, v in zip(names, args):
            if n in kw:
                raise TypeError(f"{cls.__name__}() got multiple values for {n!r}")
            kw[n] = v
        for n in names:
            v = kw.pop(n, _MISSING)
            if v is _MISSING:
                d = defaults.get(n, _MISSING)
                if d is _MISSING:
                    raise TypeError(f"{cls.__name__}() missing argument {n!r}")
                v = d.make() if isinstance(d, _Factory) else d
            setattr(self, n, v)
        if kw:
            raise TypeError(f"{cls.__name__}() got unexpected arguments {', '.join(kw)}")

    def __repr__(self):
        return f"{cls.__name__}(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in names) + ")"

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in names)

    cls.__init__ = __init__
    cls.__repr__ = __repr__
    cls.__eq__ = __eq__
    cls.__hash__ = None
    cls._fields = names
    return cls


def asdict(obj):
    return {n: getattr(obj, n) for n in obj._fields}


def rmtree(path):
    """Remove path and everything under it; errors are ignored (shutil.rmtree(ignore_errors=True))."""
    try:
        it = os.scandir(path)
    except OSError:
        return
    with it:
        for e in it:
            try:
                if e.is_dir(follow_symlinks=False):
                    rmtree(e.path)
                else:
                    os.unlink(e.path)
            except OSError:
                pass
    try:
        os.rmdir(path)
    except OSError:
        pass


def mkdtemp(prefix, dir=None):
    """A new directory PREFIX<pid>-<n>-<random> in dir (default $TMPDIR or /tmp), mode 0700."""
    base = dir or os.environ.get("TMPDIR") or "/tmp"
    while True:
        path = os.path.join(base, f"{prefix}{os.getpid()}-{next(_counter)}-{os.urandom(3).hex()}")
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue


def which(name):
    """shutil.which for an executable name (a name with '/' is taken as a path)."""
    def ok(p):
        return os.access(p, os.X_OK) and not os.path.isdir(p)
    if "/" in name:
        return name if ok(name) else None
    for d in os.environ.get("PATH", os.defpath).split(os.pathsep):
        p = os.path.join(d or ".", name)
        if ok(p):
            return p
    return None


_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")


def quote(word):
    """shlex.quote: the word as one sh word."""
    if not word:
        return "''"
    if all(c in _SAFE for c in word):
        return word
    return "'" + word.replace("'", "'\"'\"'") + "'"


def shell_join(words):
    return " ".join(quote(w) for w in words)
