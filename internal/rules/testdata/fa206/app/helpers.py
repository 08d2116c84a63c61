import hashlib
import hmac
import signal

from app.config import settings

TOKEN_DATA = "data"


class Keyword:
    pass


def answer_challenge(connection, authkey: bytes, message: bytes) -> bool:
    digest = hmac.new(authkey, message, "sha256").digest()
    response = connection.recv_bytes(256)
    return response == digest  # expect: FA206


def verify_upload(data: bytes, checksum: str) -> bool:
    digest = hashlib.sha256(data).hexdigest()
    return digest == checksum


def on_signal(sig, frame) -> None:
    if sig == signal.SIGINT:
        raise KeyboardInterrupt


def lex(token, kind) -> bool:
    if token == Keyword:
        return True
    if token == TOKEN_DATA:
        return True
    if token == "#bygroup":
        return True
    return token == "line_statement_begin"


def verify_hook(body: bytes, signature: str) -> bool:
    expected = hmac.new(settings.WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    if hmac.compare_digest(expected, signature):
        return True
    return hmac.new(settings.WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest() == signature  # expect: FA206
