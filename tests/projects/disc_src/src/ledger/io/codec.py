def encode(value):
    return str(value).encode()
