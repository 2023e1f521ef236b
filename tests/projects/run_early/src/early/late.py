def later():
    return 2
