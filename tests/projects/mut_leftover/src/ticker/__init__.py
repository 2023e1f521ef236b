import threading


class Ticker:
    """Runs a (non-daemon) background thread while the context is active."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ticker")

    def _run(self) -> None:
        while not self.stop.wait(0.01):
            pass

    def __enter__(self) -> "Ticker":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
