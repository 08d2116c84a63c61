import os

import requests


def fetch(url: str):
    return requests.get(url, timeout=5).json()  # expect: FA112


def store(name: str, data: bytes):
    with open(f"/srv/uploads/{name}", "wb") as out:  # expect: FA109
        out.write(data)


def safe_name(name: str):
    clean = os.path.basename(name)
    with open(os.path.join("/srv/uploads", clean), "wb") as out:
        out.write(b"")
