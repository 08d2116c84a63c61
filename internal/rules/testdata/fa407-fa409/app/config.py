import os


class Settings:
    SECRET_KEY = os.environ["SECRET_KEY"]
    CLIENT_SECRET = os.environ.get("CLIENT_SECRET")
    WEATHER_API_KEY = os.environ.get("WEATHER_API_KEY")
    PARTNER_API_KEY = os.environ.get("PARTNER_API_KEY")


settings = Settings()
