from app.config import settings


def test_key():
    key = settings.INTERNAL_API_KEY
    api_key = "x"
    assert api_key == key
