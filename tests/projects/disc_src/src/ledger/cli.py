import sys

from ledger.store import balance


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    print(balance(int(a) for a in args))
    return 0
