"""Errors that carry enough context for a user to fix their input."""

from __future__ import annotations


class ConfigError(ValueError):
    """A settings file is wrong: the message names the file, the key and what was expected."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        super().__init__(f"{file}: {key}: {problem}")
