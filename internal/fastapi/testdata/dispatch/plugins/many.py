"""Nine classes define attach: too many to follow a call of unknown class into."""


class Hook1:
    def attach(self, app) -> None:
        @app.get("/hook1")
        def hook1():
            return {}


class Hook2:
    def attach(self, app) -> None:
        @app.get("/hook2")
        def hook2():
            return {}


class Hook3:
    def attach(self, app) -> None:
        @app.get("/hook3")
        def hook3():
            return {}


class Hook4:
    def attach(self, app) -> None:
        @app.get("/hook4")
        def hook4():
            return {}


class Hook5:
    def attach(self, app) -> None:
        @app.get("/hook5")
        def hook5():
            return {}


class Hook6:
    def attach(self, app) -> None:
        @app.get("/hook6")
        def hook6():
            return {}


class Hook7:
    def attach(self, app) -> None:
        @app.get("/hook7")
        def hook7():
            return {}


class Hook8:
    def attach(self, app) -> None:
        @app.get("/hook8")
        def hook8():
            return {}


class Hook9:
    def attach(self, app) -> None:
        @app.get("/hook9")
        def hook9():
            return {}
