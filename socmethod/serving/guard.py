"""What a visitor's kernel websocket may carry, checked before Jupyter parses it; and how often.

The calculator's page sends small JSON messages (widget updates, kernel_info, the widget manager's
comm to `jupyter.widget.control`) and never binary buffers. Two parsers on the way trust a frame's own
length fields, so one frame froze the whole server (docs/upstream/voila-websocket-frames.md):

* jupyter_server's `deserialize_msg_from_ws_v1` reads the offset count from the first 8 bytes of a
  frame on the `v1.kernel.websocket.jupyter.org` subprotocol and builds a list that long: 16 bytes
  claiming 2**62 offsets loop in the event loop until the machine runs out of memory;
* Voila's `VoilaKernelWebsocketHandler.write_message` reads every outgoing binary message as v1, also
  the legacy-format ones jupyter_server writes on a socket opened without a subprotocol (a message with
  buffers, e.g. a widget echoing a client's buffer): the legacy header read as a v1 count is ~8.6e17.

`read_client_frame` accepts a frame only if it is exactly what the page sends: a v1 frame of channel and
four JSON objects with offsets that add up, or (no subprotocol) one JSON text; no buffers (unless the
server's `Policy` allows them, as the workbench's register upload needs), no NaN, no lone surrogate, the
header and content a kernel will index. Anything else is `Refused`, and the server closes that socket. `outgoing_msg_type` is a bounded replacement for Voila's outgoing header reader.
`TokenBucket` paces what one visitor's kernel is asked to do; `Backlog` keeps what is over the pace, in
order, one message per widget and state keys.

Nothing here imports Jupyter or Tornado: the checks are plain functions over bytes, tested on their own.
"""
from __future__ import annotations

import json
import re
import struct
import time
from dataclasses import dataclass, field
from typing import Callable

V1 = "v1.kernel.websocket.jupyter.org"
# The page talks to the kernel on shell (and control, stdin in principle); iopub only flows back.
CLIENT_CHANNELS = frozenset({"shell", "control", "stdin"})
PARTS = ("header", "parent_header", "metadata", "content")
V1_OFFSETS = 2 + len(PARTS)             # the channel's start and end, then the end of each part
V1_PREFIX = 8 * (1 + V1_OFFSETS)         # the count and the offsets, 8 bytes each
MAX_FRAME = 64 * 1024                    # the page's largest message (a typed income, a state request) is < 2 KB
# Outgoing frames are the kernel's own; this only bounds the header read that decides whether to drop one.
MAX_OUTGOING_PARTS = 64

# What a kernel indexes in the content of each message type the page may send (comm package, ipykernel,
# ipywidgets): a missing key or a wrong type there is an exception inside the kernel, logged with a
# traceback. Types not listed here go on to jupyter_server, which ignores those Voila does not allow.
CONTENT_KEYS: dict[str, dict[str, type]] = {
    "comm_open": {"comm_id": str, "target_name": str, "data": dict},
    "comm_msg": {"comm_id": str, "data": dict},
    "comm_close": {"comm_id": str},
    "comm_info_request": {},
    "kernel_info_request": {},
}
# The widget manager opens comms to this target only; a client-made widget (`jupyter.widget`) would keep
# whatever state it was sent in the kernel's memory.
COMM_TARGETS = frozenset({"jupyter.widget.control"})
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class Refused(ValueError):
    """A frame the server will not pass on. `reason` is for the server log and never quotes the frame."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ClientMessage:
    channel: str
    msg_type: str
    content: dict


def _no_constants(name: str):
    raise Refused(f"JSON constant {name} (not JSON)")


def _json_object(raw: bytes | str, part: str) -> dict:
    """Parse one JSON object; NaN/Infinity and lone surrogates (which Jupyter's own packer refuses to
    send on, with a traceback) are refused here."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    try:
        value = json.loads(data, parse_constant=_no_constants)
    except Refused:
        raise
    except (ValueError, RecursionError) as err:     # UnicodeDecodeError is a ValueError
        raise Refused(f"{part} is not JSON ({type(err).__name__})") from None
    if not isinstance(value, dict):
        raise Refused(f"{part} is not a JSON object")
    if _SURROGATE_ESCAPE.search(data):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise Refused(f"{part} has a lone surrogate") from None
    return value


@dataclass(frozen=True)
class Policy:
    """What a server's pages may send. The public calculator needs no binary buffers and small messages;
    the methodologist's workbench uploads a register through a FileUpload widget, i.e. as a binary buffer
    of up to tens of megabytes."""

    buffers: bool = False
    max_frame: int = MAX_FRAME
    max_buffers: int = 16


PUBLIC = Policy()


def split_v1(frame: bytes, max_buffers: int = 0) -> tuple[str, list[bytes], list[bytes]]:
    """Channel, the four message parts and the buffers of a v1 frame, every length checked against the
    frame before anything is sliced (jupyter_server's reader trusts them)."""
    if len(frame) < V1_PREFIX:
        raise Refused("v1 frame shorter than its header")
    count = int.from_bytes(frame[:8], "little")
    if not V1_OFFSETS <= count <= V1_OFFSETS + max_buffers:
        raise Refused("v1 frame with buffers or a wrong offset count" if count > V1_OFFSETS
                      else "v1 frame with a wrong offset count")
    if len(frame) < 8 * (1 + count):
        raise Refused("v1 frame shorter than its header")
    offsets = [int.from_bytes(frame[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != 8 * (1 + count) or offsets[-1] != len(frame) or offsets != sorted(offsets):
        raise Refused("v1 frame whose offsets do not add up")
    try:
        channel = frame[offsets[0]:offsets[1]].decode("ascii")
    except UnicodeDecodeError:
        raise Refused("v1 frame with a non-ASCII channel") from None
    pieces = [frame[offsets[i]:offsets[i + 1]] for i in range(1, count - 1)]
    return channel, pieces[:len(PARTS)], pieces[len(PARTS):]


def split_legacy(frame: bytes, max_buffers: int) -> tuple[bytes, list[bytes]]:
    """The JSON part and the buffers of a legacy binary frame (a big-endian count, then offsets), checked
    like split_v1 (jupyter_server's deserialize_binary_message builds a struct format as long as the
    count, up to 2**31)."""
    if len(frame) < 8:
        raise Refused("legacy binary frame shorter than its header")
    count = struct.unpack("!I", frame[:4])[0]
    if not 2 <= count <= 1 + max_buffers or len(frame) < 4 * (count + 1):
        raise Refused("legacy binary frame with a wrong buffer count")
    offsets = list(struct.unpack(f"!{count}I", frame[4:4 * (count + 1)])) + [len(frame)]
    if offsets[0] != 4 * (count + 1) or offsets != sorted(offsets):
        raise Refused("legacy binary frame whose offsets do not add up")
    pieces = [frame[offsets[i]:offsets[i + 1]] for i in range(count)]
    return pieces[0], pieces[1:]


def read_client_frame(frame: bytes | str, subprotocol: str | None, policy: Policy = PUBLIC) -> ClientMessage:
    """The message a visitor's frame carries, or Refused. `subprotocol` is the one the socket selected."""
    if len(frame) > policy.max_frame:
        raise Refused(f"frame over {policy.max_frame} bytes")
    max_buffers = policy.max_buffers if policy.buffers else 0
    buffers: list[bytes] = []
    if isinstance(frame, bytes) and subprotocol == V1:
        channel, raw_parts, buffers = split_v1(frame, max_buffers)
        header, parent, metadata, content = (_json_object(raw, name) for raw, name in zip(raw_parts, PARTS))
    else:
        if isinstance(frame, bytes):
            # Without a subprotocol a binary frame is the legacy format, which exists only to carry buffers.
            if not policy.buffers:
                raise Refused("binary frame on a socket without subprotocol (client buffers)")
            text, buffers = split_legacy(frame, max_buffers)
        elif subprotocol == V1:
            raise Refused("text frame on a v1 socket")
        else:
            text = frame
        msg = _json_object(text, "message")
        if msg.get("buffers"):
            raise Refused("message with buffers")
        channel = msg.get("channel")
        header, parent, metadata, content = (msg.get(name) for name in PARTS)
        for name, value in zip(PARTS, (header, parent, metadata, content)):
            if not isinstance(value, dict):
                raise Refused(f"{name} missing or not an object")
    if channel not in CLIENT_CHANNELS:
        raise Refused("unknown channel")
    msg_type, msg_id = header.get("msg_type"), header.get("msg_id")
    if not isinstance(msg_type, str) or not isinstance(msg_id, str) or not msg_type or not msg_id:
        raise Refused("header without msg_type or msg_id")
    _check_content(msg_type, content, len(buffers), policy.buffers)
    return ClientMessage(channel, msg_type, content)


def _check_content(msg_type: str, content: dict, buffers: int, buffers_allowed: bool) -> None:
    for key, kind in CONTENT_KEYS.get(msg_type, {}).items():
        if not isinstance(content.get(key), kind):
            raise Refused(f"{msg_type} without {key}")
    if msg_type == "comm_open" and content["target_name"] not in COMM_TARGETS:
        raise Refused("comm_open to a target the page never opens")
    if msg_type == "comm_info_request" and not isinstance(content.get("target_name", ""), (str, type(None))):
        raise Refused("comm_info_request with a bad target_name")
    paths = content["data"].get("buffer_paths") if msg_type == "comm_msg" else None
    if msg_type == "comm_msg":
        data = content["data"]
        if not isinstance(data.get("method"), str):
            raise Refused("comm_msg without a method")
        if data["method"] == "update" and not isinstance(data.get("state"), dict):
            raise Refused("widget update without a state")
        if "buffers" in content or (paths and not buffers_allowed):
            raise Refused("comm_msg with buffers")
        # ipywidgets puts each buffer where its path says: the paths must be lists of keys and indexes,
        # one per buffer.
        if paths is not None and (not isinstance(paths, list) or len(paths) != buffers or not all(
                isinstance(p, list) and p and all(isinstance(k, (str, int)) for k in p) for p in paths)):
            raise Refused("comm_msg whose buffer_paths do not match its buffers")
    elif buffers:
        raise Refused(f"{msg_type} with buffers")


def outgoing_msg_type(message: bytes | dict | str, subprotocol: str | None) -> str | None:
    """The msg_type of a message the server is about to send to the page, or None when it cannot be read.
    Replaces Voila's reader (which reads legacy frames as v1): each format is read as what it is, and
    no count or offset is used before it is checked against the frame."""
    if isinstance(message, dict):
        header = message.get("header")
    elif isinstance(message, bytes):
        try:
            part = json.loads(_first_part(message, subprotocol))
        except (ValueError, RecursionError, struct.error):
            return None
        # A v1 frame's first part is the header; a legacy frame's is the whole message without buffers.
        header = part if subprotocol == V1 else part.get("header") if isinstance(part, dict) else None
    else:
        return None     # legacy JSON text: Voila never filtered those either
    return header.get("msg_type") if isinstance(header, dict) else None


def _first_part(frame: bytes, subprotocol: str | None) -> bytes:
    """The header of a v1 frame, or the JSON part (the message but its buffers) of a legacy binary frame."""
    if subprotocol == V1:
        count = int.from_bytes(frame[:8], "little")
        if not 3 <= count <= MAX_OUTGOING_PARTS or len(frame) < 8 * (count + 1):
            raise ValueError("bad offset count")
        start, end = (int.from_bytes(frame[8 * i:8 * (i + 1)], "little") for i in (2, 3))
    else:
        count = struct.unpack("!I", frame[:4])[0]
        if not 1 <= count <= MAX_OUTGOING_PARTS or len(frame) < 4 * (count + 1):
            raise ValueError("bad buffer count")
        start = struct.unpack("!I", frame[4:8])[0]
        end = struct.unpack("!I", frame[8:12])[0] if count > 1 else len(frame)
    if not 0 < start <= end <= len(frame):
        raise ValueError("offsets outside the frame")
    return frame[start:end]


class Backlog:
    """Messages of a visitor who is over the rate, kept in order until the rate allows them (at most
    `limit`; past it a message is dropped). A widget update replaces the one kept for the same widget and
    the same state keys, where it stands: it carries the whole new value (a Text sends its full text on
    every keystroke), so a fast typist's last keystroke still arrives, and a flood of updates to one
    widget is one message."""

    def __init__(self, limit: int = 64):
        self.limit = limit
        self._items: list[list] = []        # [key or None, frame]

    def __len__(self) -> int:
        return len(self._items)

    def add(self, message: ClientMessage, frame: bytes | str) -> bool:
        """Keep `frame`; False when it had to be dropped (the backlog is full)."""
        key = update_key(message)
        if key is not None:
            for item in self._items:
                if item[0] == key:
                    item[1] = frame
                    return True
        if len(self._items) >= self.limit:
            return False
        self._items.append([key, frame])
        return True

    def pop(self) -> bytes | str:
        return self._items.pop(0)[1]

    def clear(self) -> None:
        self._items.clear()


def update_key(message: ClientMessage) -> tuple | None:
    """(comm, state keys) for a widget update, which a later one with the same key supersedes; else None."""
    if message.msg_type != "comm_msg":
        return None
    data = message.content["data"]
    if data.get("method") != "update":
        return None
    return message.content["comm_id"], tuple(sorted(data["state"]))


@dataclass
class TokenBucket:
    """At most `burst` messages at once and `rate` a second on average; `take` says whether one more is allowed."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self):
        self.tokens, self.stamp = self.burst, self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self) -> bool:
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def wait(self) -> float:
        """Seconds until `take` will succeed."""
        self._refill()
        return max(0.0, (1 - self.tokens) / self.rate) if self.rate > 0 else float("inf")
