"""A backend outside the family, found by the method name alone."""


class SsoBackend:
    def install(self, app) -> None:
        @app.get("/sso/orgs")
        def list_orgs():
            return []
