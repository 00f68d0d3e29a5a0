"""Start an emulator in its own process group; stop the whole group on timeout or Ctrl-C.

Nothing goes through a shell: argv is a list.  Every live group is
registered so that an interrupted run can stop them all (SIGTERM, then
SIGKILL after a grace period) and leave no emulator behind.

The least overhead per run (docs/bench.md): stdout and stderr go to files
in the run's scratch directory (no reader thread, no selector loop), and
the wait sleeps in poll() on a pidfd, so the runner wakes the moment the
emulator exits (Popen.wait(timeout) would poll with sleeps of up to 50 ms).
"""
import os
import select
import signal
import subprocess
import threading
import time
from .lean import record as dataclass

GRACE = 2.0          # seconds between SIGTERM and SIGKILL

_live = set()
_live_lock = threading.Lock()
_stopping = False    # set by stop_all(): no new emulator starts after it


class Stopped(Exception):
    """The run is being stopped (Ctrl-C / SIGTERM): the emulator was not started."""


@dataclass
class Finished:
    exit_code: int
    timed_out: bool
    stdout: str
    stderr: str
    duration: float


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


def stop_all():
    """Stop every emulator group still running (Ctrl-C, SIGTERM of the runner).

    Starting and registering an emulator happen under the same lock as this
    snapshot, and nothing starts once it was taken: no group can slip
    between the two and be left behind.
    """
    global _stopping
    with _live_lock:
        _stopping = True
        procs = list(_live)
    for p in procs:
        _signal_group(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE
    for p in procs:
        try:
            p.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        _signal_group(p.pid, signal.SIGKILL)


def wait_exit(proc, timeout):
    """Wait until proc exits (True) or timeout seconds pass (False), without polling."""
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
            if left <= 0 or poller.poll(left * 1000):
                break
    finally:
        os.close(fd)
    return proc.poll() is not None


def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def run(argv, timeout, env=None, cwd=None, out_dir=None):
    """Run argv with stdin /dev/null; raises OSError when it cannot start.

    stdout and stderr go to out_dir/emulator.stdout and .stderr (out_dir
    defaults to cwd, else a pipe is read as before).
    """
    full_env = dict(os.environ, **env) if env else None
    out_dir = out_dir or cwd
    if out_dir is None:
        return _run_piped(argv, timeout, full_env, cwd)
    out_path = os.path.join(out_dir, "emulator.stdout")
    err_path = os.path.join(out_dir, "emulator.stderr")
    start = time.monotonic()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        with _live_lock:
            if _stopping:
                raise Stopped()
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    cwd=cwd, env=full_env, start_new_session=True)
            _live.add(proc)
    try:
        timed_out = not wait_exit(proc, timeout)
        if timed_out:
            stop_group(proc)
        duration = time.monotonic() - start
    finally:
        with _live_lock:
            _live.discard(proc)
    return Finished(proc.returncode, timed_out, _read(out_path), _read(err_path), duration)


def _run_piped(argv, timeout, full_env, cwd):
    start = time.monotonic()
    with _live_lock:
        if _stopping:
            raise Stopped()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=cwd, env=full_env,
                                start_new_session=True)
        _live.add(proc)
    timed_out = False
    try:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            stop_group(proc)
            out, err = proc.communicate()
    finally:
        with _live_lock:
            _live.discard(proc)
    text = out.decode("utf-8", errors="replace")
    etext = err.decode("utf-8", errors="replace")
    return Finished(proc.returncode, timed_out, text, etext, time.monotonic() - start)
