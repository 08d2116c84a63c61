package main

import (
	"fmt"
	"strings"
)

// tmpl is the Python of one route, with $-placeholders (entity.r) and
// $facet. Its planted line, if any, starts with "@@"; the line may be in
// the route or in a CRUD helper the route calls.
type tmpl struct {
	variant string
	route   string
	crud    string   // a CRUD helper the route calls, or ""
	needs   []string // import statements the route needs
}

// plantRules are the rules the generator plants code for, in the order it
// hands them out.
var plantRules = []string{"FA101", "FA102", "FA103", "FA105", "FA109", "FA111", "FA112", "FA301"}

// routeCtx is the router module being written.
type routeCtx struct {
	g      *gen
	d      *domain
	e      *entity
	im     *imports
	w      *writer
	facets map[string]bool
}

// need adds import statements ("import x", "from x import a, b").
func (c *routeCtx) need(stmts ...string) {
	for _, s := range stmts {
		if rest, ok := strings.CutPrefix(s, "import "); ok {
			c.im.Import(rest)
			continue
		}
		s = strings.TrimPrefix(s, "from ")
		mod, names, ok := strings.Cut(s, " import ")
		if !ok {
			panic("bad import " + s)
		}
		mod = strings.ReplaceAll(mod, "$pkg", c.d.svc.pkg)
		names = c.e.r(names)
		for _, n := range strings.Split(names, ",") {
			c.im.From(mod, strings.TrimSpace(n))
		}
	}
}

// facet returns a word not yet used by a planted route of this router.
func (c *routeCtx) facet() string {
	for _, i := range c.g.rng.Perm(len(facets)) {
		if !c.facets[facets[i]] {
			c.facets[facets[i]] = true
			return facets[i]
		}
	}
	for n := 2; ; n++ {
		f := fmt.Sprintf("%s_%d", facets[c.g.rng.IntN(len(facets))], n)
		if !c.facets[f] {
			c.facets[f] = true
			return f
		}
	}
}

// emit writes one route (and its CRUD helper).
func (c *routeCtx) emit(t tmpl, p *plant) {
	f := ""
	if strings.Contains(t.route+t.crud, "$facet") {
		f = c.facet()
	}
	expand := func(s string) string {
		s = strings.ReplaceAll(s, "$facet-path", strings.ReplaceAll(f, "_", "-"))
		return c.e.r(strings.ReplaceAll(s, "$facet", f))
	}
	c.need(t.needs...)
	if t.crud != "" {
		c.d.crud[c.e] = append(c.d.crud[c.e], crudHelper{text: expand(t.crud), p: p})
		p = nil // the planted line is in the helper
	}
	c.w.block(expand(t.route), p)
	c.g.routes++
}

// ordinary are the routes every router has (always) or may have, in the
// order they are declared: fixed paths before parameterised ones.
var ordinary = []struct {
	always bool
	t      tmpl
}{
	{true, tmpl{variant: "list", needs: []string{"from fastapi import Query", "from .schemas import $EntitiesPublic"}, route: `
@router.get("/", response_model=$EntitiesPublic)
def list_$entities(
    db: SessionDep,
    current_user: CurrentUser,
    skip: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    """List the current user's $labels, newest first."""
    items = crud.list_$entities(db, owner_id=current_user.id, skip=skip, limit=limit)
    count = crud.count_$entities(db, owner_id=current_user.id)
    return $EntitiesPublic(data=items, count=count)`}},
	{false, tmpl{variant: "search", needs: []string{"from fastapi import Query", "from .schemas import $EntitiesPublic"}, route: `
@router.get("/search", response_model=$EntitiesPublic)
def search_$entities(
    db: SessionDep,
    current_user: CurrentUser,
    q: str = Query(..., min_length=1, max_length=100),
    limit: int = Query(20, ge=1, le=100),
) -> Any:
    """Find the current user's $labels whose $title contains q."""
    items = crud.search_$entities(db, owner_id=current_user.id, term=q, limit=limit)
    return $EntitiesPublic(data=items, count=len(items))`}},
	{false, tmpl{variant: "stats", route: `
@router.get("/stats/by-state")
def $entity_stats(db: SessionDep, current_user: CurrentUser) -> dict[str, int]:
    """Count the current user's $labels in each status."""
    counts = crud.count_$entities_by_status(db, owner_id=current_user.id)
    counts["total"] = sum(counts.values())
    return counts`}},
	{false, tmpl{variant: "export", needs: []string{"import csv", "import io", "from fastapi.responses import StreamingResponse"}, route: `
@router.get("/export.csv")
def export_$entities(db: SessionDep, current_user: CurrentUser) -> StreamingResponse:
    """Download the current user's $labels as CSV."""
    rows = crud.list_$entities(db, owner_id=current_user.id, skip=0, limit=10_000)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(service.$ENTITY_CSV_COLUMNS)
    for row in rows:
        writer.writerow(service.$entity_csv_row(row))
    headers = {"Content-Disposition": 'attachment; filename="$entities.csv"'}
    return StreamingResponse(iter([buffer.getvalue()]), media_type="text/csv", headers=headers)`}},
	{false, tmpl{variant: "recent", needs: []string{"from fastapi import Query", "from datetime import datetime, timedelta, timezone", "from .schemas import $EntityPublic"}, route: `
@router.get("/recent", response_model=list[$EntityPublic])
async def recent_$entities(
    db: SessionDep,
    current_user: CurrentUser,
    days: int = Query(7, ge=1, le=90),
) -> Any:
    """The $labels the current user changed in the last days."""
    since = datetime.now(timezone.utc) - timedelta(days=days)
    return crud.list_recent_$entities(db, owner_id=current_user.id, since=since)`}},
	{true, tmpl{variant: "create", needs: []string{"from .schemas import $EntityCreate, $EntityPublic"}, route: `
@router.post("/", response_model=$EntityPublic, status_code=201)
def create_$entity(body: $EntityCreate, db: SessionDep, current_user: CurrentUser) -> Any:
    """Create a $label owned by the current user."""
    obj = crud.create_$entity(db, obj_in=body, owner_id=current_user.id)
    logger.info("created $label %s for user %s", obj.id, current_user.id)
    service.notify_$entity_owner(obj, "created")
    return obj`}},
	{false, tmpl{variant: "bulk", route: `
@router.post("/bulk/transition")
def bulk_transition_$entities(body: $EntityBulkStatus, db: SessionDep, current_user: CurrentUser) -> dict[str, int]:
    """Move many $labels to one status; those that cannot move are skipped."""
    changed = 0
    for $entity_id in body.ids:
        obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
        if obj is None or not service.can_transition_$entity(obj, body.status):
            continue
        service.transition_$entity(obj, body.status)
        changed += 1
    db.commit()
    return {"changed": changed, "skipped": len(body.ids) - changed}`, needs: []string{"from .schemas import $EntityBulkStatus"}}},
	{true, tmpl{variant: "read", needs: []string{"from .schemas import $EntityPublic"}, route: `
@router.get("/{$entity_id}", response_model=$EntityPublic)
def read_$entity($entity_id: int, db: SessionDep, current_user: CurrentUser) -> Any:
    """Return one $label of the current user."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    return obj`}},
	{false, tmpl{variant: "summary", route: `
@router.get("/{$entity_id}/summary")
def summarize_$entity($entity_id: int, db: SessionDep, current_user: CurrentUser) -> dict[str, Any]:
    """Key figures of one $label for the dashboard."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    return service.summarize_$entity(obj)`}},
	{true, tmpl{variant: "update", needs: []string{"from .schemas import $EntityPublic, $EntityUpdate"}, route: `
@router.patch("/{$entity_id}", response_model=$EntityPublic)
def update_$entity($entity_id: int, body: $EntityUpdate, db: SessionDep, current_user: CurrentUser) -> Any:
    """Change some fields of a $label."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    if not service.is_$entity_editable(obj):
        raise HTTPException(status_code=409, detail="This $label can no longer be changed")
    return crud.update_$entity(db, obj=obj, obj_in=body)`}},
	{false, tmpl{variant: "transition", needs: []string{"from .schemas import $EntityPublic, $EntityStatusChange"}, route: `
@router.post("/{$entity_id}/transition", response_model=$EntityPublic)
def transition_$entity($entity_id: int, body: $EntityStatusChange, db: SessionDep, current_user: CurrentUser) -> Any:
    """Move a $label to another status of its workflow."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    try:
        service.transition_$entity(obj, body.status)
    except service.$EntityStateError:
        raise HTTPException(status_code=409, detail="Transition not allowed") from None
    db.commit()
    db.refresh(obj)
    service.notify_$entity_owner(obj, "transitioned")
    return obj`}},
	{false, tmpl{variant: "duplicate", needs: []string{"from .schemas import $EntityCreate, $EntityPublic"}, route: `
@router.post("/{$entity_id}/duplicate", response_model=$EntityPublic, status_code=201)
def duplicate_$entity($entity_id: int, db: SessionDep, current_user: CurrentUser) -> Any:
    """Copy a $label into a new one."""
    source = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if source is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    copy = $EntityCreate.model_validate(source, from_attributes=True)
    return crud.create_$entity(db, obj_in=copy, owner_id=current_user.id)`}},
	{true, tmpl{variant: "delete", route: `
@router.delete("/{$entity_id}", status_code=204)
def delete_$entity($entity_id: int, db: SessionDep, current_user: CurrentUser) -> None:
    """Delete a $label of the current user."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    crud.delete_$entity(db, obj=obj)`}},
}

// The planted routes: for each rule, vulnerable variants and safe
// look-alikes. The "@@" line is where fastapi-audit reports (the sink call;
// the decorator for FA301).
var planted = map[string]map[string][]tmpl{
	"FA101": {
		Vulnerable: {
			{variant: "text-fstring", needs: []string{"from fastapi import Query", "from sqlalchemy import text"}, route: `
@router.get("/$facet-path/lookup")
def lookup_$facet_$entities(
    db: SessionDep,
    current_user: CurrentUser,
    q: str = Query(..., max_length=100),
) -> list[dict[str, Any]]:
    """Look $labels up by $title with a hand-written query."""
    sql = f"SELECT id, $title, status FROM $table WHERE owner_id = {current_user.id} AND $title ILIKE '%{q}%'"
@@    rows = db.execute(text(sql)).mappings().all()
    return [dict(row) for row in rows]`},
			{variant: "concat-order-by", needs: []string{"from fastapi import Query", "from sqlalchemy import text"}, route: `
@router.get("/$facet-path/sorted")
def sorted_$facet_$entities(
    db: SessionDep,
    current_user: CurrentUser,
    sort: str = Query("created_at", max_length=40),
) -> list[dict[str, Any]]:
    """List $labels in the order the client asks for."""
    query = "SELECT id, $title, status, created_at FROM $table WHERE owner_id = :owner_id ORDER BY " + sort
@@    rows = db.execute(text(query), {"owner_id": current_user.id}).mappings().all()
    return [dict(row) for row in rows]`},
			{variant: "sqlite-percent", needs: []string{"import sqlite3", "from fastapi import Query", "from $pkg.core.config import settings"}, route: `
@router.get("/$facet-path/daily-report")
def $facet_$entity_daily_report(
    current_user: CurrentUser,
    state: str = Query("open", max_length=32),
) -> list[tuple[str, int]]:
    """Daily totals from the reporting database."""
    conn = sqlite3.connect(settings.REPORTS_DB)
    try:
        cur = conn.cursor()
@@        cur.execute("SELECT day, total FROM $entity_daily WHERE state = '%s' AND owner_id = %d" % (state, current_user.id))
        return cur.fetchall()
    finally:
        conn.close()`},
			{variant: "crud-fstring", needs: []string{"from fastapi import Query"}, route: `
@router.get("/$facet-path/by-reference")
def find_$facet_$entities_by_reference(
    db: SessionDep,
    current_user: CurrentUser,
    reference: str = Query(..., max_length=64),
) -> list[dict[str, Any]]:
    """Find $labels by their reference, for reconciliation."""
    return crud.find_$facet_$entities_by_reference(db, reference, owner_id=current_user.id)`, crud: `
def find_$facet_$entities_by_reference(db: Session, reference: str, owner_id: int) -> list[dict[str, Any]]:
    """Rows whose reference matches, newest first."""
    sql = f"SELECT id, reference, status FROM $table WHERE owner_id = {owner_id} AND reference = '{reference}'"
@@    return [dict(row) for row in db.execute(text(sql + " ORDER BY id DESC")).mappings().all()]`},
		},
		Safe: {
			{variant: "bound-parameters", needs: []string{"from fastapi import Query", "from sqlalchemy import text"}, route: `
@router.get("/$facet-path/lookup")
def lookup_$facet_$entities(
    db: SessionDep,
    current_user: CurrentUser,
    q: str = Query(..., max_length=100),
) -> list[dict[str, Any]]:
    """Look $labels up by $title with a hand-written query."""
    sql = "SELECT id, $title, status FROM $table WHERE owner_id = :owner_id AND $title ILIKE :pattern"
@@    rows = db.execute(text(sql), {"owner_id": current_user.id, "pattern": f"%{q}%"}).mappings().all()
    return [dict(row) for row in rows]`},
			{variant: "allow-listed-order-by", needs: []string{"from fastapi import Query", "from sqlalchemy import text"}, route: `
@router.get("/$facet-path/sorted")
def sorted_$facet_$entities(
    db: SessionDep,
    current_user: CurrentUser,
    sort: str = Query("created_at", max_length=40),
) -> list[dict[str, Any]]:
    """List $labels in the order the client asks for."""
    if sort not in {"id", "$title", "status", "created_at"}:
        raise HTTPException(status_code=400, detail="Unsupported sort column")
    query = f"SELECT id, $title, status, created_at FROM $table WHERE owner_id = :owner_id ORDER BY {sort}"
@@    rows = db.execute(text(query), {"owner_id": current_user.id}).mappings().all()
    return [dict(row) for row in rows]`},
			{variant: "sqlite-qmark", needs: []string{"import sqlite3", "from fastapi import Query", "from $pkg.core.config import settings"}, route: `
@router.get("/$facet-path/daily-report")
def $facet_$entity_daily_report(
    current_user: CurrentUser,
    state: str = Query("open", max_length=32),
) -> list[tuple[str, int]]:
    """Daily totals from the reporting database."""
    conn = sqlite3.connect(settings.REPORTS_DB)
    try:
        cur = conn.cursor()
@@        cur.execute("SELECT day, total FROM $entity_daily WHERE state = ? AND owner_id = ?", (state, current_user.id))
        return cur.fetchall()
    finally:
        conn.close()`},
			{variant: "crud-bound", needs: []string{"from fastapi import Query"}, route: `
@router.get("/$facet-path/by-reference")
def find_$facet_$entities_by_reference(
    db: SessionDep,
    current_user: CurrentUser,
    reference: str = Query(..., max_length=64),
) -> list[dict[str, Any]]:
    """Find $labels by their reference, for reconciliation."""
    return crud.find_$facet_$entities_by_reference(db, reference, owner_id=current_user.id)`, crud: `
def find_$facet_$entities_by_reference(db: Session, reference: str, owner_id: int) -> list[dict[str, Any]]:
    """Rows whose reference matches, newest first."""
    sql = "SELECT id, reference, status FROM $table WHERE owner_id = :owner_id AND reference = :reference"
@@    return [dict(row) for row in db.execute(text(sql + " ORDER BY id DESC"), {"owner_id": owner_id, "reference": reference}).mappings().all()]`},
		},
	},
	"FA102": {
		Vulnerable: {
			{variant: "shell-fstring", needs: []string{"import subprocess", "from $pkg.core.config import settings", "from .schemas import $EntityArchiveRequest"}, route: `
@router.post("/{$entity_id}/archive/$facet-path")
def archive_$entity_$facet($entity_id: int, body: $EntityArchiveRequest, db: SessionDep, current_user: CurrentUser) -> dict[str, str]:
    """Pack the files of a $label into a tarball in the archive directory."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    source = f"{settings.DATA_DIR}/$entities/{obj.id}"
@@    subprocess.run(f"tar czf {settings.ARCHIVE_DIR}/{body.label}.tgz {source}", shell=True, check=True)
    return {"archive": f"{body.label}.tgz"}`},
			{variant: "os-system-concat", needs: []string{"import os", "from fastapi import Query", "from $pkg.core.config import settings"}, route: `
@router.post("/$facet-path/convert")
def convert_$facet_$entity_document(
    current_user: CurrentUser,
    filename: str = Query(..., max_length=255),
) -> dict[str, int]:
    """Render an uploaded $label document to PDF."""
@@    code = os.system("soffice --headless --convert-to pdf --outdir " + settings.EXPORT_DIR + " " + filename)
    return {"exit_status": code}`},
			{variant: "check-output-shell", needs: []string{"import subprocess", "from fastapi import Query", "from $pkg.core.config import settings"}, route: `
@router.get("/$facet-path/log-matches")
def count_$facet_$entity_log_matches(
    current_user: CurrentUser,
    pattern: str = Query(..., max_length=100),
) -> dict[str, int]:
    """Count the lines of the $label log that match a pattern."""
@@    out = subprocess.check_output(f"grep -c '{pattern}' {settings.DATA_DIR}/logs/$entities.log", shell=True)
    return {"matches": int(out.strip() or 0)}`},
		},
		Safe: {
			{variant: "argv-list", needs: []string{"import subprocess", "from $pkg.core.config import settings", "from .schemas import $EntityArchiveRequest"}, route: `
@router.post("/{$entity_id}/archive/$facet-path")
def archive_$entity_$facet($entity_id: int, body: $EntityArchiveRequest, db: SessionDep, current_user: CurrentUser) -> dict[str, str]:
    """Pack the files of a $label into a tarball in the archive directory."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    source = f"{settings.DATA_DIR}/$entities/{obj.id}"
@@    subprocess.run(["tar", "czf", f"{settings.ARCHIVE_DIR}/{obj.id}.tgz", "--label", body.label, source], check=True)
    return {"archive": f"{obj.id}.tgz"}`},
			{variant: "shlex-quote", needs: []string{"import os", "import shlex", "from fastapi import Query", "from $pkg.core.config import settings"}, route: `
@router.post("/$facet-path/convert")
def convert_$facet_$entity_document(
    current_user: CurrentUser,
    filename: str = Query(..., max_length=255),
) -> dict[str, int]:
    """Render an uploaded $label document to PDF."""
@@    code = os.system("soffice --headless --convert-to pdf --outdir " + settings.EXPORT_DIR + " " + shlex.quote(filename))
    return {"exit_status": code}`},
		},
	},
	"FA103": {
		Vulnerable: {
			{variant: "eval-formula", needs: []string{"from .schemas import $EntityPricingRule"}, route: `
@router.post("/{$entity_id}/pricing/$facet-path")
def preview_$entity_pricing_$facet($entity_id: int, body: $EntityPricingRule, db: SessionDep, current_user: CurrentUser) -> dict[str, Any]:
    """Apply a pricing formula to a $label without saving it."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    variables = {"base": float(service.$entity_value(obj)), **body.variables}
@@    result = eval(body.formula, {"__builtins__": {}}, variables)
    return {"$entity_id": obj.id, "preview": round(float(result), 2)}`},
		},
		Safe: {
			{variant: "literal-eval", needs: []string{"import ast", "from .schemas import $EntityPricingRule"}, route: `
@router.post("/{$entity_id}/pricing/$facet-path")
def preview_$entity_pricing_$facet($entity_id: int, body: $EntityPricingRule, db: SessionDep, current_user: CurrentUser) -> dict[str, Any]:
    """Apply a fixed markup, given as a literal, to a $label without saving it."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
@@    markup = ast.literal_eval(body.formula)
    if not isinstance(markup, (int, float)):
        raise HTTPException(status_code=422, detail="The markup must be a number")
    return {"$entity_id": obj.id, "preview": round(float(service.$entity_value(obj)) * (1 + markup), 2)}`},
		},
	},
	"FA105": {
		Vulnerable: {
			{variant: "yaml-load-loader", needs: []string{"import yaml", "from fastapi import File, UploadFile", "from .schemas import $EntityCreate"}, route: `
@router.post("/import/$facet-path", status_code=201)
async def import_$facet_$entities(db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)) -> dict[str, int]:
    """Create $labels from an uploaded YAML export."""
    raw = await file.read()
@@    payload = yaml.load(raw, Loader=yaml.Loader)
    created = 0
    for entry in payload.get("$entities", []):
        crud.create_$entity(db, obj_in=$EntityCreate.model_validate(entry), owner_id=current_user.id)
        created += 1
    return {"created": created}`},
			{variant: "pickle-loads", needs: []string{"import pickle", "from fastapi import File, UploadFile"}, route: `
@router.post("/{$entity_id}/restore/$facet-path")
async def restore_$entity_$facet($entity_id: int, db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)) -> dict[str, int]:
    """Restore the fields of a $label from a snapshot file."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    raw = await file.read()
@@    snapshot = pickle.loads(raw)
    for name, value in snapshot.items():
        if name in service.$ENTITY_RESTORABLE_FIELDS:
            setattr(obj, name, value)
    db.commit()
    return {"restored": obj.id}`},
		},
		Safe: {
			{variant: "yaml-safe-load", needs: []string{"import yaml", "from fastapi import File, UploadFile", "from .schemas import $EntityCreate"}, route: `
@router.post("/import/$facet-path", status_code=201)
async def import_$facet_$entities(db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)) -> dict[str, int]:
    """Create $labels from an uploaded YAML export."""
    raw = await file.read()
@@    payload = yaml.safe_load(raw)
    created = 0
    for entry in payload.get("$entities", []):
        crud.create_$entity(db, obj_in=$EntityCreate.model_validate(entry), owner_id=current_user.id)
        created += 1
    return {"created": created}`},
			{variant: "json-loads", needs: []string{"import json", "from fastapi import File, UploadFile"}, route: `
@router.post("/{$entity_id}/restore/$facet-path")
async def restore_$entity_$facet($entity_id: int, db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)) -> dict[str, int]:
    """Restore the fields of a $label from a snapshot file."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    raw = await file.read()
@@    snapshot = json.loads(raw)
    for name, value in snapshot.items():
        if name in service.$ENTITY_RESTORABLE_FIELDS:
            setattr(obj, name, value)
    db.commit()
    return {"restored": obj.id}`},
		},
	},
	"FA109": {
		Vulnerable: {
			{variant: "file-response-query", needs: []string{"import os", "from fastapi import Query", "from fastapi.responses import FileResponse", "from $pkg.core.config import settings"}, route: `
@router.get("/{$entity_id}/files/$facet-path")
def download_$entity_file_$facet(
    $entity_id: int,
    db: SessionDep,
    current_user: CurrentUser,
    name: str = Query(..., max_length=255),
) -> FileResponse:
    """Send one of the files attached to a $label."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    path = os.path.join(settings.UPLOAD_DIR, "$entities", str(obj.id), name)
@@    return FileResponse(path, filename=name)`},
			{variant: "open-upload-filename", needs: []string{"import os", "from fastapi import File, UploadFile", "from $pkg.core.config import settings"}, route: `
@router.post("/{$entity_id}/files/$facet-path", status_code=201)
async def upload_$entity_file_$facet($entity_id: int, db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)) -> dict[str, Any]:
    """Attach a file to a $label."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    data = await file.read(settings.MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise HTTPException(status_code=413, detail="File too large")
    folder = os.path.join(settings.UPLOAD_DIR, "$entities", str(obj.id))
@@    with open(os.path.join(folder, file.filename), "wb") as out:
        out.write(data)
    return {"stored": file.filename, "size": len(data)}`},
		},
		Safe: {
			{variant: "basename", needs: []string{"import os", "from fastapi import Query", "from fastapi.responses import FileResponse", "from $pkg.core.config import settings"}, route: `
@router.get("/{$entity_id}/files/$facet-path")
def download_$entity_file_$facet(
    $entity_id: int,
    db: SessionDep,
    current_user: CurrentUser,
    name: str = Query(..., max_length=255),
) -> FileResponse:
    """Send one of the files attached to a $label."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    safe_name = os.path.basename(name)
    path = os.path.join(settings.UPLOAD_DIR, "$entities", str(obj.id), safe_name)
@@    return FileResponse(path, filename=safe_name)`},
			{variant: "uuid-name", needs: []string{"import os", "import uuid", "from fastapi import File, UploadFile", "from $pkg.core.config import settings"}, route: `
@router.post("/{$entity_id}/files/$facet-path", status_code=201)
async def upload_$entity_file_$facet($entity_id: int, db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)) -> dict[str, Any]:
    """Attach a file to a $label."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    data = await file.read(settings.MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise HTTPException(status_code=413, detail="File too large")
    folder = os.path.join(settings.UPLOAD_DIR, "$entities", str(obj.id))
    stored = f"{uuid.uuid4().hex}.bin"
@@    with open(os.path.join(folder, stored), "wb") as out:
        out.write(data)
    return {"stored": stored, "size": len(data)}`},
			{variant: "resolve-relative-to", needs: []string{"from pathlib import Path", "from fastapi import Query", "from fastapi.responses import FileResponse", "from $pkg.core.config import settings"}, route: `
@router.get("/{$entity_id}/files/$facet-path")
def download_$entity_file_$facet(
    $entity_id: int,
    db: SessionDep,
    current_user: CurrentUser,
    name: str = Query(..., max_length=255),
) -> FileResponse:
    """Send one of the files attached to a $label."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    base = Path(settings.UPLOAD_DIR, "$entities", str(obj.id)).resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base):
        raise HTTPException(status_code=404, detail="File not found")
@@    return FileResponse(target, filename=target.name)`},
		},
	},
	"FA111": {
		Vulnerable: {
			{variant: "redirect-query", needs: []string{"from fastapi import Query", "from fastapi.responses import RedirectResponse"}, route: `
@router.get("/{$entity_id}/checkout/$facet-path/done")
def $entity_checkout_done_$facet(
    $entity_id: int,
    current_user: CurrentUser,
    next_url: str = Query("/", max_length=2048),
) -> RedirectResponse:
    """Where the payment provider sends the user back to."""
    logger.info("checkout of $label %s finished for user %s", $entity_id, current_user.id)
@@    return RedirectResponse(next_url, status_code=303)`},
		},
		Safe: {
			{variant: "relative-only", needs: []string{"from fastapi import Query", "from fastapi.responses import RedirectResponse"}, route: `
@router.get("/{$entity_id}/checkout/$facet-path/done")
def $entity_checkout_done_$facet(
    $entity_id: int,
    current_user: CurrentUser,
    next_url: str = Query("/", max_length=2048),
) -> RedirectResponse:
    """Where the payment provider sends the user back to."""
    logger.info("checkout of $label %s finished for user %s", $entity_id, current_user.id)
    if not next_url.startswith("/") or next_url.startswith("//"):
        raise HTTPException(status_code=400, detail="next_url must be a path on this site")
@@    return RedirectResponse(next_url, status_code=303)`},
		},
	},
	"FA112": {
		Vulnerable: {
			{variant: "requests-body-url", needs: []string{"import requests", "from .schemas import $EntityWebhookTest"}, route: `
@router.post("/{$entity_id}/webhooks/$facet-path/test")
def test_$entity_webhook_$facet($entity_id: int, body: $EntityWebhookTest, current_user: CurrentUser) -> dict[str, int]:
    """Send a sample event to a webhook before it is registered."""
    event = {"event": body.event, "$entity_id": $entity_id, "test": True}
@@    resp = requests.post(body.callback_url, json=event, timeout=10)
    return {"status": resp.status_code}`},
			{variant: "httpx-query-url", needs: []string{"import httpx", "from fastapi import Query"}, route: `
@router.get("/$facet-path/link-preview")
async def preview_$facet_$entity_link(
    current_user: CurrentUser,
    url: str = Query(..., max_length=2048),
) -> dict[str, int]:
    """Fetch a link pasted into the $label editor to show its size."""
    async with httpx.AsyncClient(timeout=5) as client:
@@        resp = await client.get(url)
    return {"status": resp.status_code, "length": len(resp.content)}`},
			{variant: "requests-fstring-host", needs: []string{"import requests", "from fastapi import Query"}, route: `
@router.get("/$facet-path/mirror-check")
def check_$facet_$entity_mirror(
    current_user: CurrentUser,
    host: str = Query(..., max_length=255),
) -> dict[str, Any]:
    """Ask a $label mirror whether it is in sync."""
@@    resp = requests.get(f"https://{host}/api/v1/sync-state", timeout=5)
    return {"host": host, "in_sync": resp.ok}`},
		},
		Safe: {
			{variant: "allow-listed-host", needs: []string{"import requests", "from urllib.parse import urlsplit", "from $pkg.core.config import settings", "from .schemas import $EntityWebhookTest"}, route: `
@router.post("/{$entity_id}/webhooks/$facet-path/test")
def test_$entity_webhook_$facet($entity_id: int, body: $EntityWebhookTest, current_user: CurrentUser) -> dict[str, int]:
    """Send a sample event to a webhook before it is registered."""
    if urlsplit(body.callback_url).hostname not in settings.ALLOWED_WEBHOOK_HOSTS:
        raise HTTPException(status_code=400, detail="Webhook host is not allowed")
    event = {"event": body.event, "$entity_id": $entity_id, "test": True}
@@    resp = requests.post(body.callback_url, json=event, timeout=10)
    return {"status": resp.status_code}`},
			{variant: "fixed-host", needs: []string{"import requests", "from fastapi import Query"}, route: `
@router.get("/$facet-path/exchange-rate")
def $facet_$entity_exchange_rate(
    current_user: CurrentUser,
    currency: str = Query("EUR", max_length=3),
) -> dict[str, Any]:
    """Today's rate of a currency, for $label totals."""
@@    resp = requests.get(f"https://api.rates.example.com/v1/latest/{currency}", timeout=5)
    return {"currency": currency, "rate": resp.json().get("rate")}`},
		},
	},
	"FA301": {
		Vulnerable: {
			{variant: "delete-without-auth", route: `
@@@router.delete("/{$entity_id}/$facet-path", status_code=204)
def discard_$facet_$entity($entity_id: int, db: SessionDep) -> None:
    """Remove a $label from the $facet list."""
    obj = crud.get_$entity(db, $entity_id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    crud.delete_$entity(db, obj=obj)`},
			{variant: "patch-without-auth", needs: []string{"from .schemas import $EntityPublic, $EntityStatusChange"}, route: `
@@@router.patch("/{$entity_id}/$facet-path/workflow", response_model=$EntityPublic)
def set_$facet_$entity_workflow($entity_id: int, body: $EntityStatusChange, db: SessionDep) -> Any:
    """Force the status of a $label."""
    obj = crud.get_$entity(db, $entity_id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    obj.status = body.status
    db.commit()
    db.refresh(obj)
    return obj`},
		},
		Safe: {
			{variant: "delete-with-auth", route: `
@@@router.delete("/{$entity_id}/$facet-path", status_code=204)
def discard_$facet_$entity($entity_id: int, db: SessionDep, current_user: CurrentUser) -> None:
    """Remove a $label from the $facet list."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    crud.delete_$entity(db, obj=obj)`},
			{variant: "patch-with-auth", needs: []string{"from .schemas import $EntityPublic, $EntityStatusChange"}, route: `
@@@router.patch("/{$entity_id}/$facet-path/workflow", response_model=$EntityPublic)
def set_$facet_$entity_workflow($entity_id: int, body: $EntityStatusChange, db: SessionDep, current_user: CurrentUser) -> Any:
    """Force the status of a $label."""
    obj = crud.get_owned_$entity(db, $entity_id, owner_id=current_user.id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    obj.status = body.status
    db.commit()
    db.refresh(obj)
    return obj`},
		},
	},
}

// plantNext hands out rules and variants round-robin, so the proportions
// are known: every rule gets the same share of the planted slots (FA301
// only in routers that authenticate route by route), every variant the
// same share of its rule.
type plantNext struct {
	queue   map[string][]string // kind → rules, next first
	variant map[string]int      // rule/kind → next variant
}

func newPlantNext() *plantNext {
	return &plantNext{queue: map[string][]string{
		Vulnerable: append([]string(nil), plantRules...),
		Safe:       append([]string(nil), plantRules...),
	}, variant: map[string]int{}}
}

// next returns the next template of a kind that fits a router.
func (pn *plantNext) next(kind string, perRoute bool) (string, tmpl) {
	q := pn.queue[kind]
	for i, rule := range q {
		if rule == "FA301" && !perRoute {
			continue
		}
		pn.queue[kind] = append(append(append([]string(nil), q[:i]...), q[i+1:]...), rule)
		ts := planted[rule][kind]
		k := rule + "/" + kind
		t := ts[pn.variant[k]%len(ts)]
		pn.variant[k]++
		return rule, t
	}
	panic("no rule fits")
}

// slot may write a planted route, with the generator's rates.
func (c *routeCtx) slot() {
	x := c.g.rng.Float64()
	kind := ""
	switch {
	case x < c.g.o.VulnRate:
		kind = Vulnerable
	case x < c.g.o.VulnRate+c.g.o.SafeRate:
		kind = Safe
	default:
		return
	}
	rule, t := c.g.plants.next(kind, c.d.auth == authPerRoute)
	c.emit(t, &plant{rule: rule, kind: kind, variant: t.variant})
}

// routerFile writes the router of one entity.
func (g *gen) routerFile(d *domain, e *entity) {
	c := &routeCtx{g: g, d: d, e: e, im: newImports(d.svc.pkg), w: &writer{}, facets: map[string]bool{}}
	c.need("import logging", "from typing import Any", "from fastapi import APIRouter, HTTPException",
		"from $pkg.api.deps import CurrentUser, SessionDep", "from . import crud, service")
	c.w.stmt("logger = logging.getLogger(__name__)")
	if d.auth == authRouter {
		c.need("from fastapi import Depends", "from $pkg.api.deps import get_current_user")
		c.w.stmt("router = APIRouter(dependencies=[Depends(get_current_user)])")
	} else {
		c.w.stmt("router = APIRouter()")
	}
	for _, op := range ordinary {
		if !op.always && !g.chance(0.5) {
			continue
		}
		c.slot()
		c.emit(op.t, nil)
	}
	c.slot()
	c.slot()
	d.routers = append(d.routers, routerRef{module: e.module, prefix: strings.TrimPrefix(e.path, d.ents[0].path)})
	doc := capital(e.labels) + " API."
	if e.parent != nil {
		doc = capital(e.labels) + " API: the " + e.labels + " of a " + e.parent.label + "."
	}
	g.addPy(d.svc.dir+"/api/v1/"+d.name+"/"+e.module+".py", doc, c.im, c.w)
}

// adminFile writes the admin router of a domain, included behind the
// superuser dependency.
func (g *gen) adminFile(d *domain) {
	e := d.ents[0]
	c := &routeCtx{g: g, d: d, e: e, im: newImports(d.svc.pkg), w: &writer{}, facets: map[string]bool{}}
	c.need("from typing import Any", "from fastapi import APIRouter, HTTPException, Query",
		"from $pkg.api.deps import SessionDep", "from . import crud", "from .schemas import $EntitiesPublic")
	c.w.stmt("router = APIRouter()")
	c.emit(tmpl{route: `
@router.get("/$entities", response_model=$EntitiesPublic)
def admin_list_$entities(
    db: SessionDep,
    skip: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=500),
) -> Any:
    """Every $label of every user."""
    items = crud.list_all_$entities(db, skip=skip, limit=limit)
    return $EntitiesPublic(data=items, count=len(items))`}, nil)
	c.emit(tmpl{route: `
@router.post("/$entities/{$entity_id}/reassign")
def admin_reassign_$entity($entity_id: int, owner_id: int, db: SessionDep) -> dict[str, int]:
    """Give a $label to another user."""
    obj = crud.get_$entity(db, $entity_id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    obj.owner_id = owner_id
    db.commit()
    return {"$entity_id": obj.id, "owner_id": owner_id}`}, nil)
	c.emit(tmpl{route: `
@router.delete("/$entities/{$entity_id}", status_code=204)
def admin_delete_$entity($entity_id: int, db: SessionDep) -> None:
    """Delete any $label."""
    obj = crud.get_$entity(db, $entity_id)
    if obj is None:
        raise HTTPException(status_code=404, detail="$Label not found")
    crud.delete_$entity(db, obj=obj)`}, nil)
	d.extra = append(d.extra, routerRef{module: "admin", alias: d.name + "_admin", prefix: "/admin" + d.ents[0].path,
		tag: "admin", deps: "dependencies=[Depends(get_current_active_superuser)]"})
	g.addPy(d.svc.dir+"/api/v1/"+d.name+"/admin.py", "Administration of "+e.labels+": superusers only.", c.im, c.w)
}

// publicFile writes a router that is public by design: read-only, no
// authentication.
func (g *gen) publicFile(d *domain) {
	e := d.ents[0]
	c := &routeCtx{g: g, d: d, e: e, im: newImports(d.svc.pkg), w: &writer{}, facets: map[string]bool{}}
	c.need("from typing import Any", "from fastapi import APIRouter, Query",
		"from $pkg.api.deps import SessionDep", "from . import crud", "from .schemas import $EntityPublic")
	c.w.stmt("router = APIRouter()")
	c.emit(tmpl{route: `
@router.get("/$entities", response_model=list[$EntityPublic])
def published_$entities(db: SessionDep, limit: int = Query(20, ge=1, le=100)) -> Any:
    """The $labels anyone may see."""
    return crud.list_published_$entities(db, limit=limit)`}, nil)
	c.emit(tmpl{route: `
@router.get("/$entities/count")
def count_published_$entities(db: SessionDep) -> dict[str, int]:
    """How many $labels are published."""
    return {"count": len(crud.list_published_$entities(db, limit=1000))}`}, nil)
	d.extra = append(d.extra, routerRef{module: "public", alias: d.name + "_public", prefix: "/public" + d.ents[0].path, tag: "public"})
	g.addPy(d.svc.dir+"/api/v1/"+d.name+"/public.py", "Published "+e.labels+", readable without an account.", c.im, c.w)
}
