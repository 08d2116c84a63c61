class Settings:
    COOKIE_SECURE = True
    COOKIE_NAME = "sid"


settings = Settings()
