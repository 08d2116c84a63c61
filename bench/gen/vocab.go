package main

import "strings"

// noun is a domain object's name, singular and plural, in snake case.
type noun struct{ one, many string }

// domainNouns name the domains (and their main entities).
var domainNouns = []noun{
	{"invoice", "invoices"}, {"order", "orders"}, {"shipment", "shipments"}, {"customer", "customers"},
	{"product", "products"}, {"payment", "payments"}, {"refund", "refunds"}, {"ticket", "tickets"},
	{"project", "projects"}, {"task", "tasks"}, {"document", "documents"}, {"report", "reports"},
	{"subscription", "subscriptions"}, {"coupon", "coupons"}, {"warehouse", "warehouses"}, {"supplier", "suppliers"},
	{"contract", "contracts"}, {"employee", "employees"}, {"timesheet", "timesheets"}, {"expense", "expenses"},
	{"budget", "budgets"}, {"campaign", "campaigns"}, {"lead", "leads"}, {"contact", "contacts"},
	{"asset", "assets"}, {"device", "devices"}, {"sensor", "sensors"}, {"alert", "alerts"},
	{"incident", "incidents"}, {"policy", "policies"}, {"claim", "claims"}, {"appointment", "appointments"},
	{"patient", "patients"}, {"prescription", "prescriptions"}, {"course", "courses"}, {"lesson", "lessons"},
	{"enrollment", "enrollments"}, {"booking", "bookings"}, {"room", "rooms"}, {"vehicle", "vehicles"},
	{"driver", "drivers"}, {"delivery", "deliveries"}, {"message", "messages"}, {"playlist", "playlists"},
	{"article", "articles"}, {"category", "categories"}, {"review", "reviews"}, {"survey", "surveys"},
	{"integration", "integrations"}, {"workspace", "workspaces"}, {"team", "teams"}, {"membership", "memberships"},
	{"license", "licenses"}, {"release", "releases"}, {"deployment", "deployments"}, {"artifact", "artifacts"},
	{"dataset", "datasets"}, {"experiment", "experiments"}, {"quote", "quotes"}, {"receipt", "receipts"},
	{"voucher", "vouchers"}, {"parcel", "parcels"}, {"carrier", "carriers"}, {"lease", "leases"},
	{"meter", "meters"}, {"batch", "batches"}, {"recipe", "recipes"}, {"venue", "venues"},
}

// qualifiers make more domain names once a service has used every noun.
var qualifiers = []string{"vendor", "partner", "regional", "legacy", "recurring", "archived", "draft", "shared"}

// childNouns name the entities that belong to a domain's main entity.
var childNouns = []noun{
	{"line", "lines"}, {"note", "notes"}, {"event", "events"}, {"attachment", "attachments"},
	{"entry", "entries"}, {"adjustment", "adjustments"}, {"revision", "revisions"}, {"assignment", "assignments"},
	{"approval", "approvals"}, {"reminder", "reminders"}, {"comment", "comments"}, {"rate", "rates"},
}

// serviceNames name the services of a multi-service code base.
var serviceNames = []string{"billing", "inventory", "logistics", "catalog", "crm", "support", "identity",
	"analytics", "payments", "scheduling", "fleet", "learning", "clinic", "procurement", "marketing",
	"people", "projects", "documents", "media", "notifications", "pricing", "contracts", "assets",
	"compliance", "reporting", "partners", "subscriptions", "booking", "events", "insurance"}

var regions = []string{"eu", "us", "apac", "latam", "uk", "ca", "au", "jp"}

// facets tell planted routes of one router apart (paths and function
// names); none of them makes a path look public, administrative or
// login-related.
var facets = []string{"archived", "overdue", "recent", "flagged", "pending", "shared", "imported",
	"scheduled", "priority", "weekly", "monthly", "starred", "team", "customer", "draft", "legacy"}

// workflows are the status sequences of entities.
var workflows = [][]string{
	{"draft", "pending", "approved", "archived"},
	{"draft", "submitted", "accepted", "rejected", "closed"},
	{"open", "in_progress", "resolved", "closed"},
	{"new", "active", "suspended", "cancelled"},
	{"planned", "scheduled", "done", "cancelled"},
}

// field is a column of an entity: its Python type, its SQLAlchemy column
// and its Pydantic constraints.
type field struct {
	name     string
	py       string // Python type, without Optional
	optional bool
	sa       string // mapped_column arguments
	cons     string // Field() constraints, without default
	def      string // Python default, "" when required
}

// labelFields are the human-readable name of an entity (one each).
var labelFields = []field{
	{name: "title", py: "str", sa: "String(200)", cons: "min_length=1, max_length=200"},
	{name: "name", py: "str", sa: "String(120)", cons: "min_length=1, max_length=120"},
	{name: "subject", py: "str", sa: "String(160)", cons: "min_length=1, max_length=160"},
}

// extraFields are the other columns entities pick from.
var extraFields = []field{
	{name: "description", py: "str", optional: true, sa: "Text", cons: "max_length=2000", def: "None"},
	{name: "amount", py: "Decimal", sa: "Numeric(12, 2)", cons: "ge=0, max_digits=12, decimal_places=2", def: `Decimal("0")`},
	{name: "quantity", py: "int", sa: "Integer, default=1", cons: "ge=0, le=100000", def: "1"},
	{name: "unit_price", py: "Decimal", sa: "Numeric(12, 2)", cons: "ge=0, max_digits=12, decimal_places=2", def: `Decimal("0")`},
	{name: "currency", py: "str", sa: `String(3), default="EUR"`, cons: "min_length=3, max_length=3", def: `"EUR"`},
	{name: "due_date", py: "date", optional: true, sa: "Date", cons: "", def: "None"},
	{name: "starts_at", py: "datetime", optional: true, sa: "DateTime(timezone=True)", cons: "", def: "None"},
	{name: "is_active", py: "bool", sa: "Boolean, default=True", cons: "", def: "True"},
	{name: "priority", py: "int", sa: "Integer, default=0", cons: "ge=0, le=10", def: "0"},
	{name: "score", py: "float", sa: "Float, default=0.0", cons: "ge=0, le=100", def: "0.0"},
	{name: "email", py: "str", optional: true, sa: "String(254)", cons: "max_length=254", def: "None"},
	{name: "notes", py: "str", optional: true, sa: "Text", cons: "max_length=4000", def: "None"},
	{name: "external_id", py: "str", optional: true, sa: "String(64), index=True", cons: "max_length=64", def: "None"},
	{name: "country_code", py: "str", sa: `String(2), default="DE"`, cons: "min_length=2, max_length=2", def: `"DE"`},
	{name: "city", py: "str", optional: true, sa: "String(100)", cons: "max_length=100", def: "None"},
	{name: "weight_kg", py: "float", optional: true, sa: "Float", cons: "ge=0", def: "None"},
	{name: "capacity", py: "int", sa: "Integer, default=0", cons: "ge=0", def: "0"},
	{name: "tags", py: "list[str]", sa: "JSON, default=list", cons: "max_length=20", def: "[]"},
}

// camel turns snake_case into CamelCase.
func camel(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// human turns snake_case into words.
func human(s string) string { return strings.ReplaceAll(s, "_", " ") }

// capital capitalizes the first letter.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
