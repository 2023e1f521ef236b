"""A service test suite that listens on a fixed port, as many do."""

import socket


def greeting(name):
    return f"hello {name}"


def bound_port(sock):
    return sock.getsockname()[1]


def listener(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock
