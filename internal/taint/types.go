package taint

import (
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
)

// safeTypes cannot carry an injection payload once FastAPI or Pydantic has
// validated them.
var safeTypes = map[string]bool{
	"int": true, "float": true, "bool": true, "complex": true, "uuid.UUID": true,
	"datetime.datetime": true, "datetime.date": true, "datetime.time": true, "datetime.timedelta": true,
	"decimal.Decimal": true, "pydantic.UUID1": true, "pydantic.UUID4": true, "pydantic.PositiveInt": true,
	"pydantic.NonNegativeInt": true, "pydantic.conint": true, "pydantic.confloat": true,
	"pydantic.StrictInt": true, "pydantic.StrictBool": true, "pydantic.StrictFloat": true,
	"pydantic.types.conint": true, "pydantic.PositiveFloat": true, "pydantic.NegativeInt": true,
	"ipaddress.IPv4Address": true, "ipaddress.IPv6Address": true,
}

// safeType reports a qualified type that cannot carry a payload: numbers,
// UUIDs, dates, and enumerations.
func (e *Engine) safeType(q string) bool {
	if q == "" {
		return false
	}
	if safeTypes[q] {
		return true
	}
	return e.prog.IsSubclass(q, "enum.Enum", "enum.IntEnum", "enum.StrEnum")
}

// structuredType reports fields that may hold dicts or lists (Any, dict,
// untyped), where NoSQL operators can hide.
func (e *Engine) structuredType(f *fastapi.Field) bool {
	if f.TypeExpr == nil {
		return true
	}
	switch shortName(f.Type) {
	case "dict", "Dict", "Any", "Json", "list", "List", "Mapping":
		return true
	}
	return false
}

// cleanCalls are functions whose result carries no payload (0), or is
// safe for some sink classes (escaping).
var cleanCalls = map[string]Class{
	"int": 0, "float": 0, "bool": 0, "len": 0, "hash": 0, "id": 0, "ord": 0, "isinstance": 0,
	"issubclass": 0, "callable": 0, "hasattr": 0, "round": 0, "abs": 0, "sum": 0, "type": 0,
	"uuid.UUID": 0, "uuid.uuid4": 0, "uuid.uuid1": 0, "decimal.Decimal": 0, "datetime.datetime.fromisoformat": 0,
	"datetime.date.fromisoformat": 0, "secrets.token_hex": 0, "secrets.token_urlsafe": 0,
	"hashlib.sha256": 0, "hashlib.md5": 0, "hashlib.sha1": 0, "hashlib.sha512": 0, "hmac.new": 0, "hmac.compare_digest": 0,
	"os.path.exists": 0, "os.path.isfile": 0, "os.path.isdir": 0,
	"html.escape": HTML, "markupsafe.escape": HTML, "jinja2.escape": HTML,
	"bleach.clean": HTML, "markupsafe.Markup.escape": HTML,
	"shlex.quote": Shell, "shlex.join": Shell,
	"os.path.basename": Path, "werkzeug.utils.secure_filename": Path, "werkzeug.secure_filename": Path,
	"pathvalidate.sanitize_filename": Path,
	"re.escape":                      Regex,
	"urllib.parse.quote":             Redirect | Header | Log, "urllib.parse.quote_plus": Redirect | Header | Log,
	"json.dumps": Log, "repr": Log,
}

// sqlTextFunctions are the SQLAlchemy functions that take raw SQL text:
// sinks, not builders.
var sqlTextFunctions = map[string]bool{
	"sqlalchemy.text": true, "sqlalchemy.sql.text": true, "sqlalchemy.sql.expression.text": true,
	"sqlalchemy.literal_column": true, "sqlalchemy.sql.expression.literal_column": true,
	"sqlalchemy.sql.literal_column": true,
}
