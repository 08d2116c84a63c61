from fastapi import Depends, FastAPI
from sqlalchemy import text
from sqlalchemy.orm import Session
from supabase import create_client

from config import settings

app = FastAPI()
admin_client = create_client(settings.SUPABASE_URL, settings.SUPABASE_SERVICE_ROLE_KEY)  # expect: FA306
anon_client = create_client(settings.SUPABASE_URL, settings.SUPABASE_ANON_KEY)


def get_db():
    yield Session()


@app.get("/notes")
def notes():
    return admin_client.table("notes").select("*").execute().data


@app.get("/my-notes")
def my_notes(token: str):
    client = create_client(settings.SUPABASE_URL, settings.SUPABASE_ANON_KEY)
    client.postgrest.auth(token)
    return client.table("notes").select("*").execute().data


@app.get("/reports")
def reports(db: Session = Depends(get_db)):
    db.execute(text("SET LOCAL row_security = off"))  # expect: FA306
    return db.execute(text("SELECT * FROM reports")).all()


@app.get("/tenant-reports")
def tenant_reports(tenant_id: int, db: Session = Depends(get_db)):
    db.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)})
    return db.execute(text("SELECT * FROM reports")).all()
