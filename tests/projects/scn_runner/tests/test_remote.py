from cmdrun.remote import run_remote


def test_semicolon_is_not_interpreted(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    marker = tmp_path / "pwned"
    run_remote("localhost", f"echo hi; touch {marker}")
    assert not marker.exists()
