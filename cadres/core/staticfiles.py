"""The static-files storage: hashed, compressed names in production, plain names in the demo."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with plain names until a manifest exists.

    `cadres collectstatic` (which `cadres serve` runs at each start) writes every file under a
    content-hashed name plus its gzip copy, and a manifest; pages then name the hashed files,
    which WhiteNoise serves with a cache lifetime of a year. The demo's development server
    (`make run`: runserver --insecure, DEBUG off) never collects: it serves the apps' static
    folders under their plain names, so without a manifest, or under the development server,
    the pages name those. Otherwise a missing manifest entry is an error, as in the parent.
    """

    # Set by the development server's WSGI entry (config.wsgi.development_application): it
    # serves the sources, under plain names, even where a manifest was collected.
    plain_names = False

    def stored_name(self, name: str) -> str:
        if self.plain_names or not self.hashed_files:
            return name
        return super().stored_name(name)
