class Settings:
    RELOAD = False


settings = Settings()
