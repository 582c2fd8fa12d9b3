"""``ecowarden serve``: the web platform (REST API) under uvicorn (docs/web.md)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from ecowarden.cli.common import DatabaseOption, errors
from ecowarden.errors import EcowardenError
from ecowarden.web import create_app, settings_from_environment


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    database: DatabaseOption = None,
) -> None:
    """运行 Web 平台 / Serve the REST API (settings from ECOWARDEN_* variables, docs/web.md)."""
    try:
        app = create_app(settings_from_environment(database_url=database))
    except EcowardenError as error:
        errors.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(1) from error
    uvicorn.run(app, host=host, port=port, proxy_headers=False, server_header=False)
