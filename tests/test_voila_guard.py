"""The websocket frame guard (socmethod.serving.guard) on its own: what passes, what is refused and why,
and that no frame makes it do unbounded work. The same frames against a running server are in
tests/test_voila_attacks.py."""
from __future__ import annotations

import json
import struct
import time

import pytest
from jupyter_server.services.kernels.connection.base import serialize_binary_message, serialize_msg_to_ws_v1

from socmethod.serving.guard import (
    MAX_FRAME,
    V1,
    Backlog,
    Policy,
    Refused,
    TokenBucket,
    outgoing_msg_type,
    read_client_frame,
    split_v1,
)


def message(msg_type="comm_msg", content=None, channel="shell", **extra) -> dict:
    content = {"comm_id": "abc", "data": {"method": "update", "state": {"index": 1}, "buffer_paths": []}} \
        if content is None else content
    return {"header": {"msg_id": "m1", "msg_type": msg_type, "session": "s", "username": "u", "version": "5.3",
                       "date": "2026-01-01T00:00:00Z"},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel, **extra}


def v1(msg: dict, buffers: list[bytes] = ()) -> bytes:
    """A frame exactly as the browser's @jupyterlab/services (and jupyter_server) write it."""
    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
    return serialize_msg_to_ws_v1(parts + list(buffers), msg["channel"])


def legacy(msg: dict) -> str:
    return json.dumps(msg)


# -- what the page sends passes -------------------------------------------------------------------
@pytest.mark.parametrize("msg", [
    message(),
    message("kernel_info_request", {}),
    message("comm_info_request", {"target_name": "jupyter.widget"}),
    message("comm_open", {"comm_id": "c", "target_name": "jupyter.widget.control", "data": {}}),
    message("comm_msg", {"comm_id": "c", "data": {"method": "request_states"}}),
    message("comm_close", {"comm_id": "c", "data": {}}),
    message("comm_msg", {"comm_id": "c", "data": {"method": "update", "state": {"value": "25 000,50 ₽ 👵"},
                                                   "buffer_paths": []}}),
], ids=lambda m: m["header"]["msg_type"])
def test_the_pages_messages_pass_in_both_formats(msg):
    for frame, protocol in ((v1(msg), V1), (legacy(msg), None)):
        read = read_client_frame(frame, protocol)
        assert (read.channel, read.msg_type, read.content) == ("shell", msg["header"]["msg_type"], msg["content"])


def test_message_types_voila_refuses_are_left_to_it():
    """jupyter_server ignores (and logs) what Voila does not allow; the guard only checks the shape."""
    execute = message("execute_request", {"code": "1", "silent": False})
    assert read_client_frame(v1(execute), V1).msg_type == "execute_request"


# -- the two frames of issue 16 ---------------------------------------------------------------------
def test_a_v1_frame_claiming_2_to_the_62_offsets_is_refused_at_once():
    frame = (2 ** 62).to_bytes(8, "little") + b"\0" * 8
    t0 = time.perf_counter()
    with pytest.raises(Refused):
        read_client_frame(frame, V1)
    big = (2 ** 62).to_bytes(8, "little") + b"\0" * 200
    with pytest.raises(Refused, match="offset count"):
        read_client_frame(big, V1)
    assert time.perf_counter() - t0 < 0.1


def test_client_buffers_are_refused_in_both_formats():
    msg = message("comm_msg", {"comm_id": "abc", "data": {"method": "update", "state": {},
                                                          "buffer_paths": [["value"]]}})
    with pytest.raises(Refused, match="buffers"):
        read_client_frame(v1(msg, [b"12345"]), V1)
    with pytest.raises(Refused, match="without subprotocol"):
        read_client_frame(serialize_binary_message({**msg, "buffers": [b"12345"]}), None)
    with pytest.raises(Refused, match="buffers"):        # buffer_paths naming buffers that are not there
        read_client_frame(legacy(msg), None)


def test_the_legacy_echo_of_a_buffer_is_read_as_what_it_is():
    """Finding 1: the kernel echoes a client's buffer; jupyter_server frames the reply in the legacy
    format; Voila read it as v1 and looped ~8.6e17 times. The guard's reader takes it for legacy."""
    reply = {**message("comm_msg"), "buffers": [b"12345"]}
    reply["header"]["msg_type"] = "execute_input"
    frame = serialize_binary_message(reply)
    assert int.from_bytes(frame[:8], "little") > 10 ** 17      # what Voila took for an offset count
    t0 = time.perf_counter()
    assert outgoing_msg_type(frame, None) == "execute_input"
    assert time.perf_counter() - t0 < 0.1


def test_outgoing_v1_frames_and_dicts_are_read():
    msg = message("execute_input", {"code": "x"})
    assert outgoing_msg_type(v1(msg), V1) == "execute_input"
    assert outgoing_msg_type(v1(msg, [b"buf"]), V1) == "execute_input"
    assert outgoing_msg_type(msg, None) == "execute_input"
    assert outgoing_msg_type(json.dumps(msg), None) is None      # text: never filtered (as in Voila)


@pytest.mark.parametrize("frame", [
    b"", b"\xff" * 7, (2 ** 62).to_bytes(8, "little") + b"\0" * 64, struct.pack("!I", 2 ** 31) + b"\0" * 64,
    (4).to_bytes(8, "little") + (2 ** 60).to_bytes(8, "little") * 4, (6).to_bytes(8, "little") + b"\xff" * 48,
], ids=["empty", "short", "huge-v1-count", "huge-legacy-count", "offsets-outside", "offsets-garbage"])
def test_outgoing_reader_gives_up_on_garbage_without_work(frame):
    t0 = time.perf_counter()
    for protocol in (V1, None):
        assert outgoing_msg_type(frame, protocol) is None
    assert time.perf_counter() - t0 < 0.1


# -- malformed frames -------------------------------------------------------------------------------
def _v1_with_offsets(offsets: list[int], body: bytes = b"") -> bytes:
    return len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + body


GOOD = v1(message())


@pytest.mark.parametrize("frame,protocol,why", [
    (GOOD[:40], V1, "shorter"),
    (_v1_with_offsets([56, 61, 70, 72, 74, 100], b"shell" + b"x" * 30), V1, "do not add up"),
    (_v1_with_offsets([56, 61, 60, 62, 64, 66], b"shell" + b"{}" * 3 + b"x"), V1, "do not add up"),
    (_v1_with_offsets([56, 61, 63, 65, 67, 69], "шелл".encode()[:5] + b"{}" * 4), V1, "channel"),
    (GOOD + b"x", V1, "do not add up"),
    (GOOD.decode("latin-1"), V1, "text frame on a v1 socket"),
    (v1(message(channel="iopub")), V1, "unknown channel"),
    (v1(message(channel="nope")), V1, "unknown channel"),
    ("not json", None, "not JSON"),
    ("[1, 2]", None, "not a JSON object"),
    ("[" * 20000 + "]" * 20000, None, "not JSON"),
    (legacy({**message(), "header": None}), None, "header missing"),
    (legacy({k: v for k, v in message().items() if k != "metadata"}), None, "metadata missing"),
    (legacy({**message(), "header": {"msg_type": "comm_msg"}}), None, "msg_id"),
    (legacy(message(channel=None)), None, "unknown channel"),
    (legacy(message("comm_msg", {"comm_id": 1, "data": {}})), None, "comm_id"),
    (legacy(message("comm_msg", {"comm_id": "c"})), None, "without data"),
    (legacy(message("comm_msg", {"comm_id": "c", "data": {}})), None, "method"),
    (legacy(message("comm_msg", {"comm_id": "c", "data": {"method": "update", "state": 5}})), None, "state"),
    (legacy(message("comm_open", {"comm_id": "c", "target_name": "jupyter.widget",
                                  "data": {"state": {"_model_name": "TextModel", "value": "x" * 1000}}})),
     None, "target"),
    (legacy(message("comm_open", {"comm_id": "c", "data": {}})), None, "target_name"),
    (legacy(message("comm_info_request", {"target_name": 5})), None, "target_name"),
    (legacy(message("comm_msg", {"comm_id": "c", "data": {"method": "update", "state": {"value": "\ud800"}}})),
     None, "lone surrogate"),
    (v1(message("comm_msg", {"comm_id": "c", "data": {"method": "update", "state": {"value": "\udfff1"}}})),
     V1, "lone surrogate"),
    (legacy(message()).replace('"index": 1', '"index": NaN'), None, "NaN"),
    (legacy(message()).replace('"index": 1', '"index": -Infinity'), None, "Infinity"),
    (v1(message()).replace(b'"index": 1', b'"index": NaN'), V1, "do not add up"),
    (legacy(message()) + " " * MAX_FRAME, None, "over"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 40 and v.isprintable() else "")
def test_malformed_frames_are_refused_with_a_reason(frame, protocol, why):
    t0 = time.perf_counter()
    with pytest.raises(Refused) as err:
        read_client_frame(frame, protocol)
    assert why in err.value.reason
    assert time.perf_counter() - t0 < 0.5


def test_a_refusal_never_quotes_the_frame():
    secret = "987654 ₽ Иванова"
    frame = legacy(message("comm_msg", {"comm_id": "c", "data": {"method": "update", "state": {"v": secret},
                                                                  "buffer_paths": [["v"]]}}))
    with pytest.raises(Refused) as err:
        read_client_frame(frame, None)
    assert secret not in str(err.value) and "987654" not in err.value.reason


def test_invalid_utf8_in_a_v1_part_is_refused():
    msg = message()
    parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata")] + [b'{"x": "\xff"}']
    with pytest.raises(Refused, match="content is not JSON"):
        read_client_frame(serialize_msg_to_ws_v1(parts, "shell"), V1)


def test_split_v1_returns_channel_parts_and_buffers():
    channel, parts, buffers = split_v1(GOOD)
    assert channel == "shell" and [json.loads(p) for p in parts][3] == message()["content"] and buffers == []


# -- a server whose pages upload files (the workbench's register) ----------------------------------------
UPLOADS = Policy(buffers=True, max_frame=64 << 20)


def upload(buffers: list[bytes], paths=None) -> dict:
    paths = [["value", i, "content"] for i in range(len(buffers))] if paths is None else paths
    return message("comm_msg", {"comm_id": "upload", "data": {"method": "update", "state": {"value": [
        {"name": "реестр.csv", "size": len(b)} for b in buffers]}, "buffer_paths": paths}})


def test_uploads_pass_in_both_formats_where_the_server_allows_them():
    data = [b"id;category\n" + b"1;elderly\n" * 200_000]          # 2 MB, as a FileUpload sends a file
    msg = upload(data)
    assert read_client_frame(v1(msg, data), V1, UPLOADS).msg_type == "comm_msg"
    assert read_client_frame(serialize_binary_message({**msg, "buffers": data}), None, UPLOADS).msg_type == "comm_msg"
    with pytest.raises(Refused, match="buffers"):
        read_client_frame(v1(upload([b"x"]), [b"x"]), V1)            # the public page: no
    with pytest.raises(Refused, match="over"):
        read_client_frame(v1(msg, data), V1, Policy(buffers=True, max_frame=1 << 20))


@pytest.mark.parametrize("frame,protocol,why", [
    (v1(upload([b"a", b"b"], paths=[["value"]]), [b"a", b"b"]), V1, "do not match"),
    (v1(upload([b"a"], paths=[["value", {"x": 1}]]), [b"a"]), V1, "do not match"),
    (v1(upload([b"a"] * 20), [b"a"] * 20), V1, "offset count"),
    (v1(message("kernel_info_request", {}), [b"a"]), V1, "kernel_info_request with buffers"),
    (serialize_binary_message({**upload([b"a"]), "buffers": [b"a"]})[:6], None, "shorter"),
    ((2 ** 31 - 1).to_bytes(4, "big") + bytes(100), None, "buffer count"),
    ((2).to_bytes(4, "big") + (500).to_bytes(4, "big") + (12).to_bytes(4, "big") + b"{}", None, "do not add up"),
], ids=["paths-fewer", "path-not-keys", "too-many-buffers", "buffers-on-kernel-info", "legacy-short",
        "legacy-huge-count", "legacy-offsets"])
def test_uploads_are_still_checked(frame, protocol, why):
    t0 = time.perf_counter()
    with pytest.raises(Refused) as err:
        read_client_frame(frame, protocol, UPLOADS)
    assert why in err.value.reason
    assert time.perf_counter() - t0 < 0.5


# -- the rate ---------------------------------------------------------------------------------------
def test_token_bucket_allows_a_burst_then_the_rate():
    now = [0.0]
    bucket = TokenBucket(rate=5, burst=30, clock=lambda: now[0])
    assert sum(bucket.take() for _ in range(100)) == 30        # the burst
    now[0] += 1.0
    assert sum(bucket.take() for _ in range(100)) == 5         # then 5 a second
    now[0] += 100.0
    assert sum(bucket.take() for _ in range(100)) == 30        # never more than the burst saved up


def test_token_bucket_lets_a_person_clicking_through_pass():
    """A page load (5 messages) and then a click every 0.2 s for a minute: nothing is dropped."""
    now = [0.0]
    bucket = TokenBucket(rate=5, burst=30, clock=lambda: now[0])
    assert all(bucket.take() for _ in range(5))
    for _ in range(300):
        now[0] += 0.2
        assert bucket.take()


def _read(msg: dict):
    return read_client_frame(legacy(msg), None)


def update(comm: str, **state) -> dict:
    return message("comm_msg", {"comm_id": comm, "data": {"method": "update", "state": state, "buffer_paths": []}})


def test_token_bucket_says_how_long_to_wait():
    now = [0.0]
    bucket = TokenBucket(rate=5, burst=2, clock=lambda: now[0])
    assert bucket.wait() == 0
    bucket.take(), bucket.take()
    assert bucket.wait() == pytest.approx(0.2)
    now[0] += 0.1
    assert bucket.wait() == pytest.approx(0.1)


def test_backlog_keeps_order_and_a_widgets_newest_value_where_its_first_stood():
    backlog = Backlog(limit=10)
    typed = [update("income", value=v) for v in ("3", "32", "320", "3200", "32000")]
    click = message("comm_msg", {"comm_id": "button", "data": {"method": "custom", "content": {"event": "click"}}})
    other = update("members", value="2")
    index = update("income", index=1)             # other state keys: not the same update
    for m in [typed[0], typed[1], click, other, *typed[2:], index]:
        assert backlog.add(_read(m), legacy(m))
    out = [json.loads(backlog.pop()) for _ in range(len(backlog))]
    assert [(o["content"]["comm_id"], o["content"]["data"].get("state")) for o in out] == [
        ("income", {"value": "32000"}), ("button", None), ("members", {"value": "2"}), ("income", {"index": 1})]


def test_backlog_is_bounded():
    backlog = Backlog(limit=3)
    kept = [backlog.add(_read(update(f"w{i}", value="x")), "frame") for i in range(5)]
    assert kept == [True, True, True, False, False] and len(backlog) == 3
    assert backlog.add(_read(update("w1", value="y")), "newer")      # a newer value for a kept widget still fits
    backlog.clear()
    assert len(backlog) == 0
