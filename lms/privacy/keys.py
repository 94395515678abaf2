"""The keys that encrypt ID numbers (Fernet), from the environment or generated into instance/.

LMS_NATIONAL_ID_KEYS (comma-separated Fernet keys, the first one encrypts) wins; without it,
<instance>/national_id_keys holds one key per line (mode 600), made on first use. Every key
of the ring decrypts, so a new key can be put first and the old ones kept until
`lms privacy rotate-key` has re-encrypted every number with the new one (docs/privacy.md)."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from flask import current_app

ENV_VAR = "LMS_NATIONAL_ID_KEYS"
KEY_FILE = "national_id_keys"


@dataclass(frozen=True)
class IdKeyRing:
    """The Fernet keys, newest (the one that encrypts) first."""

    keys: tuple[bytes, ...]
    source: str  # "env" or the key file's path

    @property
    def fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(k) for k in self.keys])

    def encrypt(self, digits: str) -> str:
        return self.fernet.encrypt(digits.encode("ascii")).decode("ascii")

    def decrypt(self, token: str) -> str:
        return self.fernet.decrypt(token.encode("ascii")).decode("ascii")

    def rotate(self, token: str) -> str:
        """Return the token re-encrypted with the first key."""
        return self.fernet.rotate(token.encode("ascii")).decode("ascii")

    def fingerprints(self, digits: str) -> list[str]:
        """Return the number's keyed fingerprint under each key (the first: the one stored).

        A keyed hash lets the same number be found on another account without decrypting
        every row, and means nothing without the key."""
        result = []
        for key in self.keys:
            secret = hashlib.sha256(b"lms-national-id-fingerprint:" + key).digest()
            result.append(hmac.new(secret, digits.encode("ascii"), hashlib.sha256).hexdigest())
        return result


def _parse(text: str) -> tuple[bytes, ...]:
    keys = tuple(part.strip().encode("ascii") for part in text.replace("\n", ",").split(","))
    keys = tuple(k for k in keys if k)
    for key in keys:
        Fernet(key)  # raises ValueError for a malformed key
    return keys


def key_file(instance_path: str | os.PathLike[str]) -> Path:
    """Return where the generated keys are kept."""
    return Path(instance_path) / KEY_FILE


def load_keyring(instance_path: str | os.PathLike[str]) -> IdKeyRing:
    """Return the keys from the environment, else from instance/ (generating the first one)."""
    if text := os.environ.get(ENV_VAR, "").strip():
        return IdKeyRing(_parse(text), "env")
    path = key_file(instance_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(Fernet.generate_key().decode("ascii") + "\n")
    return IdKeyRing(_parse(path.read_text()), str(path))


def write_key_file(instance_path: str | os.PathLike[str], keys: tuple[bytes, ...]) -> None:
    """Replace the key file's keys (newest first), keeping it readable by the owner only."""
    path = key_file(instance_path)
    temporary = path.with_suffix(".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write("".join(k.decode("ascii") + "\n" for k in keys))
    temporary.replace(path)


def keyring() -> IdKeyRing:
    """Return this app's key ring (read once per process)."""
    ring = current_app.extensions.get("national_id_keyring")
    if ring is None:
        ring = load_keyring(current_app.instance_path)
        current_app.extensions["national_id_keyring"] = ring
    return ring  # type: ignore[no-any-return]


def forget_keyring() -> None:
    """Make the next keyring() read the keys again (after a rotation)."""
    current_app.extensions.pop("national_id_keyring", None)
