"""Errors that reach users, with a Chinese and an English message."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is meant for the person who caused it.

    ``exit_code`` is what the CLI exits with; HTTP layers map it to a 4xx status.
    """

    exit_code = 2

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class DataError(UserFacingError):
    """A data file is missing, unreadable, empty, or lacks a required column."""


class NoModelError(UserFacingError):
    """No trained model exists yet (or the requested version does not)."""

    exit_code = 3
