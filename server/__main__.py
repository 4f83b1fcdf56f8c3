"""``python -m server``: serve the main service (API, pages, WeChat callback) with uvicorn."""

from __future__ import annotations

import argparse

import uvicorn

from core.auth import UserDirectory
from core.errors import UserFacingError, exit_with
from server.context import AppSettings, ServerSettings, check_deployment


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description="12345 热线派单服务 / hotline router service")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args()
    settings = AppSettings()
    try:  # refused before uvicorn starts, with the reason and nothing else on the screen
        check_deployment(settings, UserDirectory.from_file(settings.auth.users_file))
    except UserFacingError as error:
        raise SystemExit(exit_with(error)) from None
    print(f"派单服务 router API: http://{args.host}:{args.port}/docs", flush=True)
    workers = ServerSettings().workers
    uvicorn.run("server.app:app", host=args.host, port=args.port, log_level=args.log_level, workers=workers)


if __name__ == "__main__":
    main()
