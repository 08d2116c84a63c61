"""Back-office routes.

app/main.py mounts this router under /admin with a get_current_user
dependency, so every route requires a login. Only some also require an admin.
"""
import logging
import subprocess
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Path as PathParam
from fastapi import Query
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from app import crud
from app.api.deps import AdminUser, CurrentUser, SessionDep
from app.core.config import settings
from app.core.security import require_admin
from app.models import User
from app.schemas import BackupRequest, EmailPreview, UserDetail, UserPublic
from app.utils import fetch_status_page, render_template_string

logger = logging.getLogger(__name__)

router = APIRouter()


# FA303: admin listing with authentication only, no role check
# FA402: response model exposes password hashes and tokens
@router.get("/users", response_model=list[UserDetail])
def list_all_users(
    db: SessionDep,
    current_user: CurrentUser,
    skip: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=500),
):
    return db.execute(select(User).order_by(User.id).offset(skip).limit(limit)).scalars().all()


# FA303: no role check
@router.get("/users/search")
def search_users(
    db: SessionDep,
    current_user: CurrentUser,
    email: str = Query(..., min_length=2),
    order_by: str = "id",
):
    # FA101: both query parameters reach raw SQL in app/crud.py:search_users
    return crud.search_users(db, email, order_by)


@router.patch("/users/{user_id}/role", response_model=UserPublic)
def set_user_role(user_id: int, is_admin: bool, db: SessionDep, admin: AdminUser):
    # Safe look-alike (FA303): AdminUser runs require_admin
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    user.is_admin = is_admin
    db.commit()
    logger.info("%s set is_admin=%s on user %s", admin.email, is_admin, user.id)
    return user


# FA303: no role check on a route that shells out
@router.post("/backup")
def run_backup(body: BackupRequest, current_user: CurrentUser):
    table_args = " ".join(f"--table={table}" for table in body.tables)
    command = (
        f"pg_dump '{settings.DATABASE_URL}' --format=custom {table_args} "
        f"--file={settings.BACKUP_DIR}/{body.label}.dump"
    )
    # FA102: label and table names from the body run through the shell
    result = subprocess.run(command, shell=True, capture_output=True, text=True)
    if result.returncode != 0:
        logger.error("backup failed: %s", result.stderr)
        raise HTTPException(status_code=500, detail="Backup failed")
    return {"backup": f"{body.label}.dump", "requested_by": current_user.email}


@router.get("/backup/{name}/contents", dependencies=[Depends(require_admin)])
def list_backup_contents(name: str = PathParam(..., regex=r"^[a-z0-9][a-z0-9_-]{0,63}$")):
    # Safe look-alike (FA102, FA109): constrained name, argv list, no shell
    path = Path(settings.BACKUP_DIR) / f"{name}.dump"
    result = subprocess.run(
        ["pg_restore", "--list", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise HTTPException(status_code=404, detail="Backup not found")
    return {"name": name, "entries": result.stdout.splitlines()}


@router.post("/email-preview", response_class=HTMLResponse, dependencies=[Depends(require_admin)])
def preview_email(body: EmailPreview, current_user: CurrentUser):
    # FA104: template text from the body compiled by jinja2 in app/utils.py
    html = render_template_string(
        body.template,
        {"full_name": current_user.full_name, "project": settings.PROJECT_NAME},
    )
    # FA110: subject echoed into HTML without escaping
    return HTMLResponse(f"<h1>{body.subject}</h1>{html}")


@router.get("/status")
def system_status(admin: AdminUser):
    return fetch_status_page()
