import os


def pytest_collection_finish(session):
    # Once the first test has run (and left its marker), every new test process dies here.
    marker = os.environ.get("RUN_DYING_MARKER")
    if marker and os.path.exists(marker):
        os._exit(9)
