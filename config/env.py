"""Settings helpers: every setting comes from the environment (NAME, or NAME_FILE for secrets)."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The key earlier versions used when SECRET_KEY was unset. It is published with the source,
# so anything signed with it can be forged: it is refused wherever it is found.
PUBLIC_DEVELOPMENT_KEY = "insecure-development-key-change-me"

# Environment variables that were renamed, with the reason the old name cannot stay.
RENAMED_VARIABLES = {
    "HTTPS": (
        "CADRES_HTTPS",
        "Python 标准库（wsgiref/CGI）也读取 HTTPS，开发服务器会因此把每个请求都当作 HTTPS 请求"
        " / the standard library (wsgiref, CGI) reads HTTPS too and makes every request of the"
        " development server look secure",
    ),
}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(
                f"{name}_FILE 指向的文件无法读取 / cannot read {name}_FILE={file_name}: "
                f"{error.strerror or error}"
            ) from error
    return os.environ.get(name, default)


def refuse_renamed_variables() -> None:
    """Stop at start-up when an old variable name is still set.

    Ignoring it would silently turn HTTPS off for an installation configured by the old
    documentation (no redirect, no HSTS, no secure cookies); reading it would keep the
    development server's every request looking secure. Both are worse than a clear refusal.
    """
    for old, (new, why) in RENAMED_VARIABLES.items():
        if old in os.environ:
            raise ImproperlyConfigured(
                f"环境变量 {old} 已改名为 {new}，请改用 {new} 并删除 {old}（{why}）。"
                f" / The environment variable {old} was renamed to {new}: set {new} and unset"
                f" {old}."
            )


def secret_key(var_dir: Path) -> tuple[str, str]:
    """The signing key and where it came from: ("environment", …) or ("file", …).

    SECRET_KEY or SECRET_KEY_FILE is the production key. Without either (the demo, the tests,
    commands on a developer's machine) a random key is made once per installation and kept in
    var_dir/secret_key with mode 0600, so no key that anyone else knows ever signs a session.
    The production entry points (`cadres serve`, config.wsgi.application) accept only a key
    from the environment (cadres.core.production).
    """
    value = env_secret("SECRET_KEY")
    if value == PUBLIC_DEVELOPMENT_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY 是随源代码公开的旧开发密钥，任何人都能用它伪造会话：请换成随机密钥。"
            " / SECRET_KEY is the public development key shipped with the source: use a random"
            " key."
        )
    if value:
        return value, "environment"
    return local_secret_key(var_dir / "secret_key"), "file"


def local_secret_key(path: Path) -> str:
    """Read the installation's own key from path, making it on first use (mode 0600).

    The key is written to a private temporary file and hard-linked into place, so two
    processes starting at once agree on one key and none reads a half-written file.
    """
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    if existing:
        return existing
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made the key first: use theirs
    finally:
        temporary.unlink(missing_ok=True)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ImproperlyConfigured(
            f"密钥文件 {path} 是空的：删除它即可重新生成。 / The key file {path} is empty:"
            " delete it to make a new one."
        )
    return key
