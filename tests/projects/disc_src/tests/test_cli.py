import subprocess
import sys


def test_cli_prints_balance():
    out = subprocess.run(
        [sys.executable, "-m", "ledger.cli", "1", "2"], capture_output=True, text=True
    )
    assert out.returncode == 0
