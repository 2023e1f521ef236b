from brk.util import clean


def handler(text):
    return clean(text).upper()
