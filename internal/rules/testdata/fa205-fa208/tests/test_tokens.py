import random


def test_token():
    token = "".join(random.choice("abc") for _ in range(8))
    assert token
