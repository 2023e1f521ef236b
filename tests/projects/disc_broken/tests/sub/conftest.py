import os

SETTINGS = {"db": os.environ["BRK_DATABASE_URL_THAT_IS_NOT_SET"]}
