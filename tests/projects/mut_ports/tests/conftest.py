import os
import socket

# Bound while pytest collects: a worker inherits it from the warm process, so it is
# no port two workers fight over.
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as _probe:
    _probe.bind(("127.0.0.1", int(os.environ.get("PORTCHECK_COLLECT_PORT", "47382"))))
