"""Running one heavy piece of work in a forked child with a memory ceiling and a time limit.

An uploaded file's check is the one thing in the app whose cost the uploader decides: a 48 MB
workbook of the wrong shape or a one-line CSV of 49 MB can take a minute and a gigabyte. Run in
the app's process, that memory stays taken and the work holds the interpreter lock that every
viewer's page needs. In a child it costs the child: the app's process only waits on a pipe
(viewers' pages keep running), a file that needs more memory than the ceiling ends the child and
not the app, and a check that takes too long is stopped.

The child is forked, so it starts with everything the parent has in memory (the uploaded bytes,
the master data) and sends back only messages: progress as it goes and the result at the end,
each as a length-prefixed pickle. A result's big arrays (a checked national file is tens of MB
of them) do not go through the pipe: they are written once into a memory file that the parent
made before the fork (Linux's memfd) and the parent's result is built on them where they lie,
without another copy (pickle's out-of-band buffers). It must not touch the database: the parent
reads what the work needs before the fork and writes afterwards. Where there is no fork
(Windows) the work runs in the calling process, unbounded as before.
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import select
import signal
import struct
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

T = TypeVar("T")
Progress = Callable[[float, str], None]
_HEADER = struct.Struct("!Q")
_ALIGN = 64  # each array in the memory file starts on a cache line, as numpy allocates them


class TooSlow(Exception):
    """The work ran past its time limit and was stopped."""


class OutOfMemory(Exception):
    """The work needed more memory than its ceiling, or its process died; `note` is the last
    thing the work said it was doing (see `note`)."""

    def __init__(self, note: object = None) -> None:
        super().__init__(note)
        self.note = note


_send: Callable[..., None] | None = None  # set in the child: the pipe to the parent


def note(what: object) -> None:
    """Tell the parent what the work is doing now (picklable; None: nothing in particular),
    so that an end by memory can say where. A no-op outside a child."""
    if _send is not None:
        _send("note", what)


def can_fork() -> bool:
    return hasattr(os, "fork") and resource is not None


def run(
    work: Callable[[Progress], T],
    *,
    memory_bytes: int,
    seconds: float,
    progress: Progress | None = None,
) -> T:
    """`work(progress)` in a child; returns its result or raises what it raised.

    Raises TooSlow after `seconds`, OutOfMemory when the child needed more than `memory_bytes`
    on top of what the parent maps (or died); other exceptions come back re-raised as they were
    when they can be pickled, else as RuntimeError with the child's traceback.
    """
    report = progress or (lambda fraction, text: None)
    if not can_fork():
        return work(report)
    read_end, write_end = os.pipe()
    _widen(write_end)
    shared = _memory_file()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read_end)
            _child(work, memory_bytes, write_end, shared)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        return _parent(pid, read_end, seconds, report, shared)
    finally:
        os.close(read_end)
        if shared is not None:
            os.close(shared)


def _memory_file() -> int | None:
    """A file in memory for the result's arrays (Linux), or None: the result goes by the pipe."""
    try:
        return os.memfd_create("segdash-result", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def _write_all(fd: int, data) -> None:
    view = memoryview(data).cast("B")
    while view:
        view = view[os.write(fd, view) :]


def _send_result(result: object, pipe: Callable[..., None], fd: int) -> None:
    """The result's contiguous arrays into the memory file `fd`, each at an aligned offset, and
    the pickle that refers to them by the pipe with their places."""
    buffers: list[memoryview] = []

    def out_of_band(buffer: pickle.PickleBuffer) -> bool:
        try:
            buffers.append(buffer.raw())
        except BufferError:  # not contiguous: in the pickle itself
            return True
        return False

    head = pickle.dumps(result, protocol=5, buffer_callback=out_of_band)
    places, offset = [], 0
    for raw in buffers:
        padding = -offset % _ALIGN
        if padding:
            _write_all(fd, bytes(padding))
        offset += padding
        _write_all(fd, raw)
        places.append((offset, raw.nbytes))
        offset += raw.nbytes
    pipe("result-in-memory", head, places, offset)


def _receive_result(fd: int, head: bytes, places: list[tuple[int, int]], size: int) -> object:
    """The result built on its arrays where the child wrote them: a private mapping of the
    memory file, so the arrays are writable (a write copies only the page it touches)."""
    if not size:
        return pickle.loads(head, buffers=[memoryview(b"") for _ in places])
    mapping = mmap.mmap(fd, size, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ | mmap.PROT_WRITE)
    view = memoryview(mapping)
    return pickle.loads(head, buffers=[view[start : start + n] for start, n in places])


def _child(work: Callable[[Progress], Any], memory_bytes: int, fd: int, shared: int | None) -> None:
    global _send
    # Keep only the pipe (and the memory file) open, so that a parallel check's pipe is not
    # held open by this one.
    kept = sorted(k for k in (fd, shared) if k is not None)
    start = 3
    for keep in kept:
        os.closerange(start, keep)
        start = keep + 1
    os.closerange(start, os.sysconf("SC_OPEN_MAX"))
    # What the parent had is the parent's: the child's collections look only at what the work
    # makes, not again through every object of the app (which would also copy their pages).
    gc.freeze()
    cap_memory(memory_bytes)

    def send(*message: object) -> None:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        for part in (_HEADER.pack(len(payload)), payload):  # a big result is not copied again
            view = memoryview(part)
            while view:
                view = view[os.write(fd, view) :]

    _send = send
    # A Rust reader prints a backtrace when an allocation fails; the parent reports it instead.
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    try:
        result = work(lambda fraction, text: send("progress", fraction, text))
        if shared is None:
            send("result", result)
        else:
            try:
                _send_result(result, send, shared)
            except OSError:  # no room in the memory file: the pipe, as where there is none
                send("result", result)
    except MemoryError:
        pass  # the parent reads a missing result as out of memory
    except BaseException as exc:  # noqa: BLE001 - the parent raises it
        try:
            send("raised", exc)
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            send("error", traceback.format_exc())


def _parent(pid: int, fd: int, seconds: float, report: Progress, shared: int | None) -> Any:
    deadline = time.monotonic() + seconds
    last_note: object = None
    header = bytearray()
    message: memoryview | None = None  # the message being read, once its size is known
    filled = 0
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TooSlow
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            if message is None:  # the next message's length
                chunk = os.read(fd, _HEADER.size - len(header))
                if not chunk:  # the child is gone without a result
                    raise OutOfMemory(last_note)
                header += chunk
                if len(header) == _HEADER.size:
                    message = memoryview(bytearray(_HEADER.unpack(header)[0]))
                    header, filled = bytearray(), 0
                continue
            # The message, straight into its buffer: a result of millions of rows is tens of MB.
            got = os.readv(fd, [message[filled:]])
            if not got:
                raise OutOfMemory(last_note)
            filled += got
            if filled < len(message):
                continue
            kind, *payload = pickle.loads(message)
            message = None
            if kind == "progress":
                report(*payload)
            elif kind == "note":
                last_note = payload[0]
            elif kind == "result":
                return payload[0]
            elif kind == "result-in-memory" and shared is not None:
                return _receive_result(shared, *payload)
            elif kind == "raised":
                raise payload[0]
            elif kind == "error":
                raise RuntimeError(f"The work failed in the child process:\n{payload[0]}")
    finally:
        _end(pid)


def _widen(fd: int) -> None:
    """A pipe of 1 MB instead of 64 kB where Linux allows it: fewer turns between the child
    writing a big result and the parent reading it."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):  # not Linux, or a lower pipe-max-size
        pass


def _end(pid: int) -> None:
    """Reap the child, killing it first if it is still at work (a time limit, an error)."""
    finished, _ = os.waitpid(pid, os.WNOHANG)
    if finished == 0:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)


def cap_memory(extra: int) -> None:
    """Limit the address space to what the process already maps plus `extra` (Linux)."""
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = mapped + extra if hard == resource.RLIM_INFINITY else min(mapped + extra, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (AttributeError, OSError, ValueError):  # no /proc or no resource: no ceiling
        pass
