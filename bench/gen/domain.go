package main

import (
	"fmt"
	"strings"
)

// service is one FastAPI application: a top-level package.
type service struct {
	pkg     string // import name: app, or the service's name
	dir     string // slash path of the package directory from the output root
	title   string
	domains []*domain
	used    map[string]bool // domain names taken
}

// authMode is how a domain's routers authenticate.
type authMode int

const (
	authPerRoute authMode = iota // each route takes current_user: CurrentUser
	authInclude                  // include_router(..., dependencies=[Depends(get_current_user)])
	authRouter                   // APIRouter(dependencies=[Depends(get_current_user)])
)

// domain is one package under api/v1/.
type domain struct {
	svc     *service
	name    string // package name
	ents    []*entity
	auth    authMode
	admin   bool                     // has an admin router, included behind the superuser dependency
	public  bool                     // has a public router (no authentication, read only)
	routers []routerRef              // the entity routers the domain router includes
	extra   []routerRef              // admin and public routers, included in api/v1/router.py
	crud    map[*entity][]crudHelper // planted helpers the routes call
}

// routerRef is one router to include.
type routerRef struct {
	module string // module name in the domain package
	alias  string // name api/v1/router.py imports it as
	prefix string
	tag    string
	deps   string // dependencies=[...] text, or ""
}

// crudHelper is a CRUD function added for a planted route.
type crudHelper struct {
	text string
	p    *plant
}

// entity is one SQLAlchemy model with its schemas, CRUD functions and
// router.
type entity struct {
	d        *domain
	parent   *entity
	class    string // InvoiceLine
	snake    string // invoice_line
	plural   string // invoice_lines
	label    string // invoice line
	labels   string // invoice lines
	table    string
	path     string // router prefix
	module   string // router module in the domain package
	title    string // the label column
	fields   []field
	states   []string
	rep      *strings.Replacer
	hasMoney string // a Decimal column, or ""
}

func (e *entity) r(text string) string { return e.rep.Replace(text) }

func newEntity(d *domain, parent *entity, n noun, g *gen) *entity {
	e := &entity{d: d, parent: parent}
	if parent == nil {
		e.snake, e.plural = n.one, n.many
		e.path = "/" + strings.ReplaceAll(n.many, "_", "-")
		e.module = "routes"
	} else {
		e.snake, e.plural = parent.snake+"_"+n.one, parent.snake+"_"+n.many
		e.path = parent.path + "/" + strings.ReplaceAll(n.many, "_", "-")
		e.module = n.many
	}
	e.class = camel(e.snake)
	e.label, e.labels = human(e.snake), human(e.plural)
	e.table = e.plural
	lf := pick(g, labelFields)
	e.title = lf.name
	e.fields = append(e.fields, lf,
		field{name: "status", py: "str", sa: "String(32), default=\"\"", cons: "max_length=32"},
		field{name: "reference", py: "str", optional: true, sa: "String(64), index=True", cons: "max_length=64", def: "None"})
	e.states = pick(g, workflows)
	e.fields[1].sa = fmt.Sprintf("String(32), default=%q", e.states[0])
	e.fields[1].def = fmt.Sprintf("%q", e.states[0])
	perm := g.rng.Perm(len(extraFields))
	for _, i := range perm[:g.intn(3, 7)] {
		f := extraFields[i]
		e.fields = append(e.fields, f)
		if f.py == "Decimal" && e.hasMoney == "" {
			e.hasMoney = f.name
		}
	}
	pl := camel(e.plural)
	e.rep = strings.NewReplacer(
		"$ENTITY", strings.ToUpper(e.snake),
		"$Entities", pl,
		"$Entity", e.class,
		"$entities", e.plural,
		"$entity", e.snake,
		"$Labels", capital(e.labels),
		"$Label", capital(e.label),
		"$labels", e.labels,
		"$label", e.label,
		"$table", e.table,
		"$title", e.title,
		"$pkg", d.svc.pkg,
		"$domain", d.name,
		"$path", e.path,
	)
	return e
}

// annotation is a field's Python type as declared.
func (f field) annotation() string {
	if f.optional {
		return "Optional[" + f.py + "]"
	}
	return f.py
}

// column is the field's mapped column in a SQLAlchemy model.
func (f field) column() string {
	return fmt.Sprintf("    %s: Mapped[%s] = mapped_column(%s)", f.name, f.annotation(), f.sa)
}

// schemaCreate is the field in the Create schema.
func (f field) schemaCreate() string {
	var args []string
	if f.def != "" {
		if f.def == "[]" {
			args = append(args, "default_factory=list")
		} else {
			args = append(args, "default="+f.def)
		}
	}
	if f.cons != "" {
		args = append(args, f.cons)
	}
	if len(args) == 0 {
		return fmt.Sprintf("    %s: %s", f.name, f.annotation())
	}
	if len(args) == 1 && f.cons == "" {
		return fmt.Sprintf("    %s: %s = %s", f.name, f.annotation(), f.def)
	}
	return fmt.Sprintf("    %s: %s = Field(%s)", f.name, f.annotation(), strings.Join(args, ", "))
}

// schemaUpdate is the field in the Update schema: every field optional.
func (f field) schemaUpdate() string {
	if f.cons == "" {
		return fmt.Sprintf("    %s: Optional[%s] = None", f.name, f.py)
	}
	return fmt.Sprintf("    %s: Optional[%s] = Field(default=None, %s)", f.name, f.py, f.cons)
}

// saTypes lists the SQLAlchemy names a column uses.
func (f field) saTypes() []string {
	var out []string
	for _, t := range []string{"String", "Text", "Numeric", "Integer", "Boolean", "Float", "Date", "DateTime", "JSON"} {
		if strings.HasPrefix(f.sa, t+"(") || strings.HasPrefix(f.sa, t+",") || f.sa == t {
			out = append(out, t)
		}
	}
	return out
}

// pyTypeImports adds what a field's Python type needs.
func (f field) pyTypeImports(im *imports) {
	switch f.py {
	case "Decimal":
		im.From("decimal", "Decimal")
	case "date":
		im.From("datetime", "date")
	case "datetime":
		im.From("datetime", "datetime")
	}
	if f.optional {
		im.From("typing", "Optional")
	}
}

// modelsFile writes the domain's SQLAlchemy models.
func (g *gen) modelsFile(d *domain) {
	im := newImports(d.svc.pkg)
	im.From("sqlalchemy", "ForeignKey", "DateTime", "func")
	im.From("sqlalchemy.orm", "Mapped", "mapped_column")
	im.From("datetime", "datetime")
	im.From("typing", "Optional")
	im.From(d.svc.pkg+".core.db", "Base")
	w := &writer{}
	for _, e := range d.ents {
		var b strings.Builder
		fmt.Fprintf(&b, "class %s(Base):\n    \"\"\"%s.\"\"\"\n\n    __tablename__ = %q\n\n", e.class, articled(e.label), e.table)
		b.WriteString("    id: Mapped[int] = mapped_column(primary_key=True, index=True)\n")
		b.WriteString("    owner_id: Mapped[int] = mapped_column(ForeignKey(\"users.id\", ondelete=\"CASCADE\"), index=True)\n")
		if e.parent != nil {
			fmt.Fprintf(&b, "    %s_id: Mapped[int] = mapped_column(ForeignKey(\"%s.id\", ondelete=\"CASCADE\"), index=True)\n", e.parent.snake, e.parent.table)
		}
		for _, f := range e.fields {
			b.WriteString(f.column() + "\n")
			for _, t := range f.saTypes() {
				im.From("sqlalchemy", t)
			}
			f.pyTypeImports(im)
		}
		b.WriteString("    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())\n")
		b.WriteString("    updated_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), onupdate=func.now())\n")
		if e.parent != nil {
			im.From("sqlalchemy.orm", "relationship")
			fmt.Fprintf(&b, "\n    %s: Mapped[\"%s\"] = relationship(back_populates=\"%s\")\n", e.parent.snake, e.parent.class, strings.TrimPrefix(e.plural, e.parent.snake+"_"))
		}
		var kids []*entity
		for _, c := range d.ents {
			if c.parent == e {
				kids = append(kids, c)
			}
		}
		if len(kids) > 0 {
			im.From("sqlalchemy.orm", "relationship")
			b.WriteString("\n")
			for _, c := range kids {
				fmt.Fprintf(&b, "    %s: Mapped[list[\"%s\"]] = relationship(\n        back_populates=%q, cascade=\"all, delete-orphan\"\n    )\n",
					strings.TrimPrefix(c.plural, e.snake+"_"), c.class, e.snake)
			}
		}
		b.WriteString(e.r(`
    def __repr__(self) -> str:
        return f"<$Entity id={self.id} $title={self.$title!r} status={self.status!r}>"

    @property
    def is_closed(self) -> bool:
        """Whether the $label reached the end of its workflow."""
        return self.status in CLOSED_$ENTITY_STATES
`))
		if e.hasMoney != "" {
			b.WriteString(e.r(fmt.Sprintf(`
    @property
    def display_amount(self) -> str:
        value = self.%s or Decimal("0")
        return f"{value:,.2f}"
`, e.hasMoney)))
		}
		w.block(fmt.Sprintf("CLOSED_%s_STATES = frozenset({%q, %q})", strings.ToUpper(e.snake), e.states[len(e.states)-2], e.states[len(e.states)-1]), nil)
		w.block(b.String(), nil)
		if e.hasMoney != "" {
			im.From("decimal", "Decimal")
		}
	}
	g.addPy(d.svc.dir+"/api/v1/"+d.name+"/models.py", "SQLAlchemy models of the "+human(d.name)+" domain.", im, w)
}

func articled(s string) string {
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "An " + s
	}
	return "A " + s
}

// schemasFile writes the domain's Pydantic schemas.
func (g *gen) schemasFile(d *domain) {
	im := newImports(d.svc.pkg)
	im.From("pydantic", "BaseModel", "ConfigDict", "Field")
	im.From("datetime", "datetime")
	im.From("typing", "Optional")
	w := &writer{}
	for _, e := range d.ents {
		var b strings.Builder
		fmt.Fprintf(&b, "class %sBase(BaseModel):\n", e.class)
		for _, f := range e.fields {
			b.WriteString(f.schemaCreate() + "\n")
			f.pyTypeImports(im)
		}
		w.block(b.String(), nil)
		if e.parent != nil {
			w.block(e.r(fmt.Sprintf("class $EntityCreate($EntityBase):\n    %s_id: int = Field(gt=0)", e.parent.snake)), nil)
		} else {
			w.block(e.r("class $EntityCreate($EntityBase):\n    pass"), nil)
		}
		b.Reset()
		b.WriteString(e.r("class $EntityUpdate(BaseModel):\n"))
		for _, f := range e.fields {
			b.WriteString(f.schemaUpdate() + "\n")
		}
		w.block(b.String(), nil)
		parentID := ""
		if e.parent != nil {
			parentID = "    " + e.parent.snake + "_id: int\n"
		}
		w.block(e.r(`class $EntityPublic($EntityBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    owner_id: int
`+parentID+`    created_at: datetime
    updated_at: Optional[datetime] = None`), nil)
		w.block(e.r(`class $EntitiesPublic(BaseModel):
    data: list[$EntityPublic]
    count: int`), nil)
		w.block(e.r(`class $EntityStatusChange(BaseModel):
    status: str = Field(max_length=32)
    reason: Optional[str] = Field(default=None, max_length=500)`), nil)
		w.block(e.r(`class $EntityBulkStatus(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=500)
    status: str = Field(max_length=32)`), nil)
		w.block(e.r(`class $EntityWebhookTest(BaseModel):
    callback_url: str = Field(max_length=2048)
    event: str = Field(default="$entity.updated", max_length=64)`), nil)
		w.block(e.r(`class $EntityArchiveRequest(BaseModel):
    label: str = Field(min_length=1, max_length=64)
    include_attachments: bool = False`), nil)
		w.block(e.r(`class $EntityPricingRule(BaseModel):
    formula: str = Field(max_length=500)
    variables: dict[str, float] = Field(default_factory=dict, max_length=20)`), nil)
	}
	g.addPy(d.svc.dir+"/api/v1/"+d.name+"/schemas.py", "Request and response schemas of the "+human(d.name)+" API.", im, w)
}

// crudFile writes the domain's database functions, with the helpers the
// planted routes call.
func (g *gen) crudFile(d *domain) {
	im := newImports(d.svc.pkg)
	im.From("typing", "Any", "Optional")
	im.From("collections.abc", "Sequence")
	im.From("datetime", "datetime")
	im.From("sqlalchemy", "func", "select", "text")
	im.From("sqlalchemy.orm", "Session")
	w := &writer{}
	for _, e := range d.ents {
		im.From(".models", e.class)
		im.From(".schemas", e.class+"Create", e.class+"Update")
		w.block(e.r(`def get_$entity(db: Session, $entity_id: int) -> Optional[$Entity]:
    return db.get($Entity, $entity_id)`), nil)
		w.block(e.r(`def get_owned_$entity(db: Session, $entity_id: int, owner_id: int) -> Optional[$Entity]:
    stmt = select($Entity).where($Entity.id == $entity_id, $Entity.owner_id == owner_id)
    return db.execute(stmt).scalar_one_or_none()`), nil)
		w.block(e.r(`def list_$entities(db: Session, owner_id: int, skip: int = 0, limit: int = 50) -> Sequence[$Entity]:
    stmt = (
        select($Entity)
        .where($Entity.owner_id == owner_id)
        .order_by($Entity.created_at.desc(), $Entity.id.desc())
        .offset(skip)
        .limit(limit)
    )
    return db.execute(stmt).scalars().all()`), nil)
		w.block(e.r(`def list_all_$entities(db: Session, skip: int = 0, limit: int = 100) -> Sequence[$Entity]:
    stmt = select($Entity).order_by($Entity.id).offset(skip).limit(limit)
    return db.execute(stmt).scalars().all()`), nil)
		w.block(e.r(`def count_$entities(db: Session, owner_id: int) -> int:
    stmt = select(func.count()).select_from($Entity).where($Entity.owner_id == owner_id)
    return db.execute(stmt).scalar_one()`), nil)
		w.block(e.r(`def search_$entities(db: Session, owner_id: int, term: str, limit: int = 20) -> Sequence[$Entity]:
    pattern = f"%{term}%"
    stmt = (
        select($Entity)
        .where($Entity.owner_id == owner_id, $Entity.$title.ilike(pattern))
        .order_by($Entity.$title)
        .limit(limit)
    )
    return db.execute(stmt).scalars().all()`), nil)
		w.block(e.r(`def list_recent_$entities(db: Session, owner_id: int, since: datetime) -> Sequence[$Entity]:
    stmt = (
        select($Entity)
        .where($Entity.owner_id == owner_id, $Entity.updated_at >= since)
        .order_by($Entity.updated_at.desc())
    )
    return db.execute(stmt).scalars().all()`), nil)
		w.block(e.r(`def list_published_$entities(db: Session, limit: int = 20) -> Sequence[$Entity]:
    stmt = select($Entity).where($Entity.status == "$FINAL").order_by($Entity.id.desc()).limit(limit)
    return db.execute(stmt).scalars().all()`), nil)
		w.block(e.r(`def count_$entities_by_status(db: Session, owner_id: int) -> dict[str, int]:
    rows = db.execute(
        text("SELECT status, COUNT(*) AS n FROM $table WHERE owner_id = :owner_id GROUP BY status"),
        {"owner_id": owner_id},
    ).all()
    return {row.status: row.n for row in rows}`), nil)
		w.block(e.r(`def create_$entity(db: Session, obj_in: $EntityCreate, owner_id: int) -> $Entity:
    obj = $Entity(**obj_in.model_dump(), owner_id=owner_id)
    db.add(obj)
    db.commit()
    db.refresh(obj)
    return obj`), nil)
		w.block(e.r(`def update_$entity(db: Session, obj: $Entity, obj_in: $EntityUpdate) -> $Entity:
    for name, value in obj_in.model_dump(exclude_unset=True).items():
        setattr(obj, name, value)
    db.add(obj)
    db.commit()
    db.refresh(obj)
    return obj`), nil)
		w.block(e.r(`def delete_$entity(db: Session, obj: $Entity) -> None:
    db.delete(obj)
    db.commit()`), nil)
		for _, h := range d.crud[e] {
			w.block(h.text, h.p)
		}
		// Fix the published status now that the entity's workflow is known.
		for i, l := range w.lines {
			w.lines[i] = strings.ReplaceAll(l, "$FINAL", e.states[len(e.states)-2])
		}
	}
	g.addPy(d.svc.dir+"/api/v1/"+d.name+"/crud.py", "Database access for the "+human(d.name)+" domain.", im, w)
}

// serviceFile writes the domain's business rules.
func (g *gen) serviceFile(d *domain) {
	im := newImports(d.svc.pkg)
	im.Import("logging")
	im.From("datetime", "datetime", "timezone")
	im.From("decimal", "Decimal")
	im.From("typing", "Any", "Optional")
	im.Import("requests")
	im.From(d.svc.pkg+".core.config", "settings")
	w := &writer{}
	w.stmt("logger = logging.getLogger(__name__)")
	for _, e := range d.ents {
		im.From(".models", e.class)
		var tr strings.Builder
		tr.WriteString(e.r("$ENTITY_TRANSITIONS: dict[str, frozenset[str]] = {\n"))
		for i, s := range e.states {
			var next []string
			for j := i + 1; j < len(e.states) && j <= i+2; j++ {
				next = append(next, fmt.Sprintf("%q", e.states[j]))
			}
			if len(next) == 0 {
				fmt.Fprintf(&tr, "    %q: frozenset(),\n", s)
			} else {
				fmt.Fprintf(&tr, "    %q: frozenset({%s}),\n", s, strings.Join(next, ", "))
			}
		}
		tr.WriteString("}")
		w.block(tr.String(), nil)
		cols := []string{`"id"`, `"` + e.title + `"`, `"status"`}
		var restorable []string
		for _, f := range e.fields[3:] {
			cols = append(cols, `"`+f.name+`"`)
			restorable = append(restorable, `"`+f.name+`"`)
		}
		w.stmt(e.r("$ENTITY_CSV_COLUMNS = [" + strings.Join(cols, ", ") + "]"))
		w.stmt(e.r("$ENTITY_RESTORABLE_FIELDS = frozenset({" + strings.Join(restorable, ", ") + "})"))
		w.stmt(e.r(fmt.Sprintf(`EDITABLE_$ENTITY_STATES = frozenset({%q, %q})`, e.states[0], e.states[1])))
		w.block(e.r(`class $EntityStateError(Exception):
    """Raised when a $label cannot move to the requested status."""`), nil)
		w.block(e.r(`def can_transition_$entity(obj: $Entity, target: str) -> bool:
    return target in $ENTITY_TRANSITIONS.get(obj.status, frozenset())`), nil)
		w.block(e.r(`def transition_$entity(obj: $Entity, target: str) -> $Entity:
    """Move a $label to target, or raise $EntityStateError."""
    if not can_transition_$entity(obj, target):
        raise $EntityStateError(f"cannot move $label {obj.id} from {obj.status!r} to {target!r}")
    logger.info("$label %s: %s -> %s", obj.id, obj.status, target)
    obj.status = target
    return obj`), nil)
		w.block(e.r(`def is_$entity_editable(obj: $Entity) -> bool:
    return obj.status in EDITABLE_$ENTITY_STATES`), nil)
		value := `Decimal("0")`
		if e.hasMoney != "" {
			value = "obj." + e.hasMoney + ` or Decimal("0")`
		}
		w.block(e.r(`def $entity_value(obj: $Entity) -> Decimal:
    """The money a $label stands for, in its own currency."""
    return `+value), nil)
		w.block(e.r(`def $entity_csv_row(obj: $Entity) -> list[str]:
    values = []
    for column in $ENTITY_CSV_COLUMNS:
        value = getattr(obj, column)
        values.append("" if value is None else str(value))
    return values`), nil)
		w.block(e.r(`def summarize_$entity(obj: $Entity) -> dict[str, Any]:
    age: Optional[int] = None
    if obj.created_at is not None:
        age = (datetime.now(timezone.utc) - obj.created_at).days
    return {
        "id": obj.id,
        "$title": obj.$title,
        "status": obj.status,
        "editable": is_$entity_editable(obj),
        "closed": obj.is_closed,
        "value": str($entity_value(obj)),
        "age_days": age,
    }`), nil)
		w.block(e.r(`def notify_$entity_owner(obj: $Entity, event: str) -> None:
    """Tell the notification service that a $label changed."""
    payload = {"event": f"$entity.{event}", "id": obj.id, "owner_id": obj.owner_id, "status": obj.status}
    try:
        requests.post(settings.NOTIFY_URL, json=payload, timeout=5)
    except requests.RequestException:
        logger.warning("could not notify the owner of $label %s", obj.id, exc_info=True)`), nil)
	}
	g.addPy(d.svc.dir+"/api/v1/"+d.name+"/service.py", "Business rules of the "+human(d.name)+" domain.", im, w)
}
