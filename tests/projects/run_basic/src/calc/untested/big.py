def never_called(a):
    total = 0
    for i in range(a):
        if i % 2:
            total += i
        else:
            total -= i
    return total


def also_never(b):
    return b + 1
