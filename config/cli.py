"""The `cadres` console command: Django's management commands under the product's name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "cadres"
    # Commands are spelled with hyphens on the command line (import-roster) and
    # with underscores as Python modules (import_roster).
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        # `cadres help import-roster` names a command too.
        if argv[1] == "help" and len(argv) > 2 and not argv[2].startswith("-"):
            argv[2] = argv[2].replace("-", "_")
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as error:
        # A setting the operator must fix (SECRET_KEY, a renamed variable): the message, not a
        # traceback through Django's internals.
        print(f"cadres: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
