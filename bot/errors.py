"""SahelWatch's exceptions. The CLI turns them into one-line messages; nothing else does.

    SahelWatchError
    ├── ConfigError        bad or missing setting / secret (CLI exit 2)
    ├── WatchlistError     invalid watchlist files; carries file:line problems (exit 2 or 1)
    ├── SourceError        a source cannot start (e.g. its API refuses the credentials)
    ├── StorageError       the database cannot be written (disk full, read-only, I/O error) (exit 4)
    └── StalledError       the watchdog found a source silent past its limit (CLI exit 3)
"""


class SahelWatchError(Exception):
    """Base of every error SahelWatch raises on purpose."""


class ConfigError(SahelWatchError):
    """A setting is invalid or a component is enabled without its secret."""


class WatchlistError(SahelWatchError):
    """Watchlist files are invalid. ``problems`` holds ``file:line:column: problem`` lines."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class SourceError(SahelWatchError):
    """A source cannot start or run."""


class StorageError(SahelWatchError):
    """The database refused writes (disk full, read-only, I/O error): a batch command stops and
    exits with code 4; nothing past the last committed post was acknowledged."""


class StalledError(SahelWatchError):
    """The watchdog stopped the bot: a source showed no activity past its limit. The process exits
    with code 3 so the container's restart policy brings it back."""
