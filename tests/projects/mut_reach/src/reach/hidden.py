"""A function a decorator hides where the engine cannot find it: skipped."""


class _Hider:
    def __init__(self, func):
        self._hidden = (func,)

    def __call__(self, *args):
        return self._hidden[0](*args)


@_Hider
def clamp(x):
    if x < 0:
        return 0  # no test runs this line
    return x
