import faulthandler
import time

from hostile import leave, ping, spin


def test_a_before():
    assert ping() == "pong"


def test_b_hangs():
    spin()


def test_c_exits():
    leave(3)


def test_d_segfaults():
    faulthandler._sigsegv()


def test_e_sleeps_in_c():
    time.sleep(3600)


def test_f_after():
    assert ping() == "pong"
