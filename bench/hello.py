"""The baseline: a minimal Flask app, served by gunicorn exactly like Clubapp in bench/run.py."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
