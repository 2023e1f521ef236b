import subprocess

from cmdrun import remote


def test_semicolon_is_passed_as_one_argument(tmp_path, monkeypatch):
    calls = []

    def record(argv, **kwargs):
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0, "")

    monkeypatch.setattr(remote.subprocess, "run", record)
    marker = tmp_path / "pwned"
    remote.run_remote("localhost", f"echo hi; touch {marker}")
    assert calls[-1][-1] == f"echo hi; touch {marker}"
    assert not marker.exists()
