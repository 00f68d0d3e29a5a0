"""Start an emulator in its own process group; stop the whole group on timeout or Ctrl-C.

Nothing goes through a shell: argv is a list.  Every live group is
registered so that an interrupted run can stop them all (SIGTERM, then
SIGKILL after a grace period) and leave no emulator behind.
"""
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass

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


def run(argv, timeout, env=None, cwd=None):
    """Run argv with stdin /dev/null; raises OSError when it cannot start."""
    full_env = dict(os.environ, **env) if env else None
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
