"""Do the two websocket frame parsers still trust a frame's own lengths? Run with the kit's environment:

    .venv/bin/python docs/upstream/repro_frames.py

Each parser is called in a child process with a 5-second limit and a 1 GiB memory cap (the bugs loop
and allocate until the machine runs out). "HANGS" means the bug is present; "returns" or "raises" means
it was fixed, and socmethod.serving.guard can be reconsidered (see README.md here).
"""
from __future__ import annotations

import multiprocessing
import resource
import sys


def v1_offset_count() -> None:
    """jupyter_server: a 16-byte v1 frame whose first 8 bytes claim 2**62 offsets."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1
    deserialize_msg_from_ws_v1((2 ** 62).to_bytes(8, "little") + bytes(8))


def legacy_frame_read_as_v1() -> None:
    """Voila: a legacy-format binary frame (what jupyter_server sends on a socket without subprotocol for
    any message with buffers) read by Voila's outgoing header reader as if it were v1."""
    from jupyter_server.services.kernels.connection.base import serialize_binary_message
    from voila.tornado.kernel_websocket_handler import read_header_from_binary_message
    frame = serialize_binary_message({"header": {"msg_type": "comm_msg"}, "parent_header": {}, "metadata": {},
                                      "content": {}, "buffers": [b"12345"]})
    read_header_from_binary_message(frame)


def _child(name: str) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    globals()[name]()


def main() -> int:
    import jupyter_server
    import tornado
    import voila
    print(f"voila {voila.__version__}, jupyter_server {jupyter_server.__version__}, tornado {tornado.version}, "
          f"Python {sys.version.split()[0]}")
    present = 0
    for name in ("v1_offset_count", "legacy_frame_read_as_v1"):
        child = multiprocessing.Process(target=_child, args=(name,))
        child.start()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
            verdict, present = "HANGS (bug present)", present + 1
        elif child.exitcode == 0:
            verdict = "returns (fixed)"
        else:
            verdict = f"raises or is stopped (exit code {child.exitcode}): fixed if the exit is an exception, not the memory cap"
        print(f"{name}: {verdict}")
    return 1 if present else 0


if __name__ == "__main__":
    sys.exit(main())
