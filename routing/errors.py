"""Service errors: the project's bilingual user-facing error plus an HTTP status."""

from __future__ import annotations

from classifier.errors import UserFacingError


class ServiceError(UserFacingError):
    status_code = 400


class BadRequest(ServiceError):
    status_code = 400


class Forbidden(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    status_code = 404


class Conflict(ServiceError):
    status_code = 409
