"""The one exception type for input the runner refuses (bad cfg, unknown name, ...)."""


class UserError(Exception):
    """A problem with what the user gave us: printed as one line, exit status 2."""

    def __init__(self, message, where=None):
        self.where = where  # "file:line" or None
        super().__init__(f"{where}: {message}" if where else message)
