from early_built.marks import marked


@marked
def triple(x):
    return 3 * x
