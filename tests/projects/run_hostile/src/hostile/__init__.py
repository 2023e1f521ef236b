def ping():
    return "pong"


def spin():
    while True:
        pass


def leave(code):
    import os

    os._exit(code)
