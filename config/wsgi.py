"""WSGI entry points: ``application`` for production servers, one for the development server.

``application`` (``gunicorn config.wsgi:application``, what `cadres serve` runs) refuses to
load with DEBUG on or without a real SECRET_KEY from the environment
(cadres.core.production). ``development_application`` is what `runserver` loads through
WSGI_APPLICATION: the demo runs with the installation's own random key (var/secret_key), and
it refuses the settings that mean "deployed" (CADRES_HTTPS, PROXY_SSL_HEADER), so the
development server never serves production.

Both are made on first access (PEP 562), so importing this module for one never runs the other
one's check.
"""

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def __getattr__(name: str) -> Any:
    if name not in ("application", "development_application"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from django.core.wsgi import get_wsgi_application

    from cadres.core import production

    wsgi_application: Any = get_wsgi_application()
    if name == "application":
        wsgi_application = production.production_wsgi(wsgi_application)
    else:
        production.refuse_development_server_in_production()
        from cadres.core.staticfiles import StaticFilesStorage

        StaticFilesStorage.plain_names = True
    globals()[name] = wsgi_application
    return wsgi_application
