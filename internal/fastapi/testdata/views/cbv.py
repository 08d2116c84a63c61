def cbv(router):
    def decorator(cls):
        return cls

    return decorator
