"""Start an emulator in its own process group; stop the whole group on timeout or Ctrl-C.

Nothing goes through a shell: argv is a list.  Every group a session
starts is registered in its Emulators, so that however the runner ends
(Ctrl-C, SIGTERM, SIGHUP, an exception) it can stop them all (SIGTERM,
then SIGKILL after a grace period) and leave no emulator behind.

stdout and stderr go to files in the run's scratch directory (no reader
thread), and the wait sleeps in poll() on a pidfd, so the runner wakes the
moment the emulator exits (Popen.wait(timeout) polls with sleeps of up to
50 ms).
"""
import contextlib
import os
import select
import signal
import subprocess
import threading
import time
from dataclasses import dataclass

GRACE = 2.0          # seconds between SIGTERM and SIGKILL
ENDING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(Exception):
    """The run is being stopped (Ctrl-C / SIGTERM): the emulator was not started."""


@dataclass
class Finished:
    """How one emulator run ended: its exit status (negative: the signal that stopped it), output, wall time."""
    exit_code: int
    timed_out: bool
    stdout: str
    stderr: str
    duration: float


_deferred = {"active": False, "pending": False}


def _interrupt(signum, frame):
    if _deferred["active"]:
        _deferred["pending"] = True
    else:
        raise KeyboardInterrupt


@contextlib.contextmanager
def signals_deferred():
    """Hold back signals_interrupt's KeyboardInterrupt until the body is done.

    For a step that must not be cut in two, such as starting a process and
    registering it: a signal arriving in between would leave the process
    unknown to stop_all().  Only the main thread receives signals.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _deferred["active"] = True
    try:
        yield
    finally:
        _deferred["active"] = False
        if _deferred["pending"]:
            _deferred["pending"] = False
            raise KeyboardInterrupt


def _signal_group(pid, sig):
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_group(proc):
    """SIGTERM proc's group, SIGKILL it after GRACE seconds if anything is left."""
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=GRACE)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(proc.pid, signal.SIGKILL)   # members that ignored SIGTERM
    proc.wait()


class Emulators:
    """The emulator process groups of one session that may still run."""

    def __init__(self):
        self._live = set()
        self._lock = threading.Lock()
        self._stopping = False       # set by stop_all(): nothing starts after it

    def start(self, argv, **popen_args):
        """Popen argv in a new session with stdin /dev/null, registered; Stopped once stop_all ran.

        Starting and registering happen under the same lock as stop_all's
        snapshot: no group can slip between the two and be left behind.
        """
        with signals_deferred(), self._lock:
            if self._stopping:
                raise Stopped()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True,
                                    **popen_args)
            self._live.add(proc)
        return proc

    def done(self, proc):
        with self._lock:
            self._live.discard(proc)

    def stop_all(self):
        """Stop every group still running (SIGTERM, SIGKILL after GRACE) and reap it."""
        with self._lock:
            self._stopping = True
            procs = list(self._live)
        for p in procs:
            _signal_group(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        for p in procs:
            try:
                p.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            _signal_group(p.pid, signal.SIGKILL)
            p.wait()
            self.done(p)


def wait_exit(proc, timeout):
    """Wait until proc exits (True) or timeout seconds pass (False), without polling.

    With a pidfd the exited process is not reaped here: until proc.wait(),
    its pid, and so its process group's id, cannot be taken by another process.
    """
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):       # Python < 3.9 or Linux < 5.3
        try:
            proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if poller.poll(max(left, 0) * 1000):
                return True
            if left <= 0:
                return False
    finally:
        os.close(fd)


def read_text(path):
    """A file's text (UTF-8, bad bytes replaced), or "" when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def run(emulators, argv, timeout, out_dir, env=None, cwd=None, give_up=None):
    """Run argv, its stdout and stderr to out_dir/emulator.stdout and .stderr.
    give_up (None, or a function asked about once a second): True stops the
    run as its timeout would (Finished.timed_out).

    Raises OSError when it cannot start, Stopped when the session is ending.
    """
    full_env = dict(os.environ, **env) if env else None
    out_path = os.path.join(out_dir, "emulator.stdout")
    err_path = os.path.join(out_dir, "emulator.stderr")
    start = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = emulators.start(argv, stdout=out, stderr=err, cwd=cwd, env=full_env)
    timed_out = True
    try:
        if give_up is None:
            timed_out = not wait_exit(proc, timeout)
        else:
            deadline = start + timeout
            while True:
                left = deadline - time.monotonic()
                if wait_exit(proc, max(0.0, min(left, 1.0))):
                    timed_out = False
                    break
                if left <= 1.0 or give_up():
                    break
        duration = time.monotonic() - start
    finally:
        if timed_out:
            stop_group(proc)
        else:
            _signal_group(proc.pid, signal.SIGKILL)   # whatever the emulator left in its group
            proc.wait()
        emulators.done(proc)
    return Finished(proc.returncode, timed_out, read_text(out_path), read_text(err_path), duration)


@contextlib.contextmanager
def signals_interrupt(cleanup):
    """The body runs with SIGTERM and SIGHUP raising KeyboardInterrupt, as Ctrl-C does
    (a signal the runner was started with ignored, as under nohup, stays ignored).

    However the body ends, cleanup() then runs with every ending signal
    ignored (a second Ctrl-C cannot cut it short), and the previous signal
    handlers come back.  Main thread only.
    """
    previous = {s: signal.getsignal(s) for s in ENDING_SIGNALS}
    for s, handler in previous.items():
        if handler != signal.SIG_IGN:
            signal.signal(s, _interrupt)
    try:
        yield
    finally:
        for s in ENDING_SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        try:
            cleanup()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
