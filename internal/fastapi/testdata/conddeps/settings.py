import os


class Settings:
    auth_enabled = os.environ.get("AUTH_ENABLED") == "true"
    dev_mode = os.environ.get("DEV") == "true"


settings = Settings()
