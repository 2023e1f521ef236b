import os


def find_config(path):
    # as pycodestyle's read_config: os.path.isfile(True) looks at file descriptor 1
    if path and os.path.isfile(path):
        return "config found"
    return "no config"


def settings(**kwargs):
    return find_config(kwargs.pop("config_file", False))
