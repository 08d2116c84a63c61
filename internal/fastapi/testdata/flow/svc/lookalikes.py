# Calls that look like route registration but are not.
handlers = {"a": print}
handlers.get("a")("x")


class App:
    def options(self, name):
        return lambda f: f


slack = App()


@slack.options("menu")
def menu_options(ack):
    ack()
