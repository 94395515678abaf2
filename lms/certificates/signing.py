"""Ed25519 signatures over a certificate's statement, and the key ring kept in instance/.

The statement is what a phone can check without the server: the code, the holder's name,
what was achieved and the date, as UTF-8 NFC text:

    BDHVS-CERT-1\\n<code>\\n<name>\\n<achievement>\\n<YYYY-MM-DD>

The QR code carries it after the verify URL, in the fragment (never sent to the server):

    <base>/verify/<code>#1.<key id>.<base64url(name\\nachievement\\ndate)>.<base64url(signature)>

Keys live in <instance>/certificate_keys/: one PKCS#8 PEM file per key (mode 600) and
keys.json, which names the active key and when each was made and retired. The first
signature generates a key; `lms certificates rotate-key` makes a new active key and retires
the old one, which stays published so the certificates it signed still verify."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lms.certificates.codes import Reading, read_code

PREFIX = "BDHVS-CERT-1"
FRAGMENT_VERSION = "1"
KEY_DIR = "certificate_keys"


def b64url(data: bytes) -> str:
    """Return data as unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """Return the bytes of unpadded base64url text (raises ValueError when malformed)."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Statement:
    """What a certificate's signature covers."""

    code: str
    name: str
    achievement: str
    day: date

    def message(self) -> bytes:
        """Return the exact bytes that are signed."""
        parts = [PREFIX, self.code, _nfc(self.name), _nfc(self.achievement), self.day.isoformat()]
        return "\n".join(parts).encode("utf-8")

    def fragment(self, key_id: str, signature: str) -> str:
        """Return the URL fragment that carries the statement and its signature."""
        fields = "\n".join([_nfc(self.name), _nfc(self.achievement), self.day.isoformat()])
        return ".".join([FRAGMENT_VERSION, key_id, b64url(fields.encode("utf-8")), signature])


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """Return a key's id: the first 8 hex digits of SHA-256 over its raw 32 bytes."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:8]


def public_key_entry(
    public_key: Ed25519PublicKey, created_at: str, retired_at: str | None
) -> dict[str, Any]:
    """Return how one public key is published (raw base64url and as a JWK)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    kid = key_id_of(public_key)
    return {
        "kid": kid,
        "alg": "Ed25519",
        "public_key": b64url(raw),
        "jwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": kid, "use": "sig"},
        "status": "retired" if retired_at else "active",
        "created_at": created_at,
        "retired_at": retired_at,
    }


class KeyRing:
    """The signing keys under one instance folder; safe across processes and threads."""

    _cache_lock = threading.Lock()

    def __init__(self, instance_path: str | os.PathLike[str]) -> None:
        self.folder = Path(instance_path) / KEY_DIR
        self._index_mtime: float | None = None
        self._index: dict[str, Any] = {}
        self._private: dict[str, Ed25519PrivateKey] = {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _index_path(self) -> Path:
        return self.folder / "keys.json"

    def _read_index(self) -> dict[str, Any]:
        path = self._index_path()
        if not path.exists():
            return {"active": None, "keys": []}
        mtime = path.stat().st_mtime_ns
        with self._cache_lock:
            if mtime != self._index_mtime:
                self._index = json.loads(path.read_text("utf-8"))
                self._index_mtime = mtime
            return self._index

    def _write_index(self, index: dict[str, Any]) -> None:
        tmp = self._index_path().with_suffix(".tmp")
        tmp.write_text(json.dumps(index, indent=2, ensure_ascii=False), "utf-8")
        os.replace(tmp, self._index_path())

    def _new_key(self, index: dict[str, Any]) -> str:
        private = Ed25519PrivateKey.generate()
        kid = key_id_of(private.public_key())
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        path = self.folder / f"{kid}.pem"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for entry in index["keys"]:
            if entry["kid"] == index["active"] and not entry.get("retired_at"):
                entry["retired_at"] = now
        index["keys"].append({"kid": kid, "created_at": now, "retired_at": None})
        index["active"] = kid
        self._write_index(index)
        return kid

    def active_key_id(self) -> str:
        """Return the id of the key that signs new certificates, generating one on first use."""
        index = self._read_index()
        if index.get("active"):
            return str(index["active"])
        with self._locked():
            index = json.loads(json.dumps(self._read_index()))
            if index.get("active"):
                return str(index["active"])
            return self._new_key(index)

    def rotate(self) -> str:
        """Make a new active key; the old one is kept (retired) to verify what it signed."""
        with self._locked():
            index = json.loads(json.dumps(self._read_index()))
            return self._new_key(index)

    def private_key(self, kid: str) -> Ed25519PrivateKey:
        """Return a private key by id."""
        with self._cache_lock:
            key = self._private.get(kid)
        if key is None:
            loaded = serialization.load_pem_private_key(
                (self.folder / f"{kid}.pem").read_bytes(), password=None
            )
            if not isinstance(loaded, Ed25519PrivateKey):
                raise ValueError(f"key {kid} is not an Ed25519 key")
            key = loaded
            with self._cache_lock:
                self._private[kid] = key
        return key

    def sign(self, statement: Statement) -> tuple[str, str]:
        """Sign a statement with the active key; return (key id, base64url signature)."""
        kid = self.active_key_id()
        return kid, b64url(self.private_key(kid).sign(statement.message()))

    def published(self) -> list[dict[str, Any]]:
        """Return every public key, newest first, as published for offline checkers."""
        entries = []
        for entry in reversed(self._read_index()["keys"]):
            public = self.private_key(entry["kid"]).public_key()
            entries.append(public_key_entry(public, entry["created_at"], entry.get("retired_at")))
        return entries


# A phone's offline check, as plain functions: they need only the QR text and the keys.


@dataclass(frozen=True)
class CheckedStatement:
    """A statement read from a QR code whose signature was checked."""

    statement: Statement
    key_id: str
    valid: bool


def parse_qr(text: str) -> tuple[Statement, str, str] | None:
    """Return (statement, key id, signature) read from a QR code's text, or None."""
    parts = urlsplit(text.strip())
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[-2] != "verify" or not parts.fragment:
        return None
    reading, code = read_code(unquote(segments[-1]))
    fields = parts.fragment.split(".")
    if reading is not Reading.VALID or len(fields) != 4 or fields[0] != FRAGMENT_VERSION:
        return None
    try:
        name, achievement, day = unb64url(fields[2]).decode("utf-8").split("\n")
        statement = Statement(code, name, achievement, date.fromisoformat(day))
    except ValueError:
        return None
    return statement, fields[1], fields[3]


def check_statement(
    statement: Statement, key_id: str, signature: str, keys: list[dict[str, Any]]
) -> bool:
    """Return whether a signature over the statement verifies with the published key key_id."""
    entry = next((k for k in keys if k.get("kid") == key_id), None)
    if entry is None:
        return False
    try:
        public = Ed25519PublicKey.from_public_bytes(unb64url(entry["public_key"]))
        public.verify(unb64url(signature), statement.message())
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True


def check_qr(text: str, keys: list[dict[str, Any]]) -> CheckedStatement | None:
    """Read a QR code's text and check its signature against published keys (offline)."""
    parsed = parse_qr(text)
    if parsed is None:
        return None
    statement, key_id, signature = parsed
    return CheckedStatement(statement, key_id, check_statement(statement, key_id, signature, keys))
