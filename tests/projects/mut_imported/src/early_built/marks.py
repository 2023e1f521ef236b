def marked(func):
    """A decorator of a module the tests import lazily, inside a test."""
    func.marked = True
    return func
