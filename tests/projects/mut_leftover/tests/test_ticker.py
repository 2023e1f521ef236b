from ticker import Ticker


def test_the_ticker_runs_while_entered():
    with Ticker() as ticker:
        assert ticker.thread.is_alive()
