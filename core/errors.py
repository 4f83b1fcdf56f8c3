"""Errors that reach users, with a Chinese and an English message; the HTTP ones carry a status."""

from __future__ import annotations

import sys


class UserFacingError(Exception):
    """An error whose message is meant for the person who caused it.

    ``exit_code`` is what the CLI exits with; HTTP layers map it to a 4xx status.
    """

    exit_code = 2

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def exit_with(error: UserFacingError) -> int:
    """How every command line reports a user-facing error: both languages on stderr, the error's exit code."""
    print(f"错误 error: {error.zh} / {error.en}", file=sys.stderr)
    return error.exit_code


class DataError(UserFacingError):
    """A data file is missing, unreadable, empty, or lacks a required column."""


class NoModelError(UserFacingError):
    """No trained model exists yet (or the requested version does not)."""

    exit_code = 3


class ServiceError(UserFacingError):
    """A user-facing error answered over HTTP with ``status_code``."""

    status_code = 400


class BadRequest(ServiceError):
    status_code = 400


class Forbidden(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class Unprocessable(ServiceError):
    """A value the request's schema allows but the stored form does not (e.g. too long once normalised)."""

    status_code = 422


class Conflict(ServiceError):
    status_code = 409



class Unavailable(ServiceError):
    """A part of the service that answers for this request is not running yet (or any more)."""

    status_code = 503
