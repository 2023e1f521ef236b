from cfg import settings


def test_no_config_by_default():
    # under pytest's capture, descriptor 1 is a regular (temporary) file
    assert settings() == "no config"
