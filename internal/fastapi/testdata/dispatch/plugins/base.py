"""Login backends: the running one is picked from the environment."""
import os


class LoginBackend:
    def install(self, app) -> None:
        """Adds the backend's endpoints; the base adds none."""

    def extras(self, app) -> None:
        """Adds optional endpoints; the base adds none."""


class PasswordBackend(LoginBackend):
    def install(self, app) -> None:
        @app.post("/login")
        def login(body: dict):
            return {"token": "t"}

    def extras(self, app) -> None:
        @app.post("/password/reset")
        def reset(body: dict):
            return {}


class OpenBackend(LoginBackend):
    def install(self, app) -> None:
        @app.post("/workspace")
        def create_workspace(body: dict):
            return {}


class Registry:
    """Builds the backend named by an environment variable."""

    @staticmethod
    def pick(kind):
        backends = {"password": PasswordBackend, "open": OpenBackend}
        return backends[kind]()


def backend_for(kind: str) -> LoginBackend:
    """Declared to return the base class: the subclass is chosen at run time."""
    return Registry.pick(kind)
