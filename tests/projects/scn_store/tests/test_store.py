from hypothesis import given
from hypothesis import strategies as st

from kvstore.store import Store, decode_records, encode_record
from testvet.harness import History, check_set


def test_put_then_get(tmp_path):
    store = Store(tmp_path / "log")
    store.put("a", "1")
    assert Store(tmp_path / "log").get("a") == "1"


@given(st.binary())
def test_decode_never_crashes_on_garbage(data):
    try:
        decode_records(data)
    except UnicodeDecodeError:
        pass


def _writer(path):
    store = Store(path)
    print("ready", flush=True)
    for i in range(100_000):
        print(f"try {i}", flush=True)
        store.put(f"k{i}", "v")
        print(f"ack {i}", flush=True)


def test_acknowledged_puts_survive_sigkill(hard_kill, tmp_path):
    proc = hard_kill.start(_writer, args=[tmp_path / "log"], ready=hard_kill.ready_line("ready"))
    proc.kill_at_random(within=(0.05, 0.3))
    proc.wait()
    history = History()
    pending = None
    for line in proc.output.splitlines():
        verb, _, i = line.partition(" ")
        if verb == "try":
            pending = history.invoke("w", "add", int(i))
        elif verb == "ack" and pending is not None:  # output keeps the last 2000 lines
            history.ok(pending)
    store = Store(tmp_path / "log")
    present = [int(k[1:]) for k in decode_records((tmp_path / "log").read_bytes())]
    assert store.get("k0") is not None
    first = min((op.value for op in history.ops), default=0)  # the window the output kept
    check_set(history, final=[k for k in present if k >= first]).assert_ok()


def test_encode_roundtrip():
    assert decode_records(encode_record("k", "v")) == {"k": "v"}
