from sqlalchemy import text


def get_db():
    yield None


def run_report(db, kind):
    sql = build_sql(kind)
    return db.execute(text(sql))  # expect: FA101


def build_sql(kind):
    return f"SELECT * FROM reports WHERE kind = '{kind}'"


def safe_report(db, kind):
    return db.execute(text("SELECT * FROM reports WHERE kind = :kind"), {"kind": kind})


def fetch_status(order_id: int) -> dict:
    import requests

    return requests.get(f"https://delivery.example/api/orders/{order_id}", timeout=5).json()
