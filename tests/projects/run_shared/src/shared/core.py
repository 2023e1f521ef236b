def build():
    return {"ready": True}


def ping():
    return "pong"
