"""The baseline: a hello-world Flask app, served exactly like the platform."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """Say hello; everything the platform adds is measured against this."""
    return "Xin chào"
