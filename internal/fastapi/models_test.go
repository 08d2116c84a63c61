package fastapi

import (
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

func writeApp(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	testfs.WriteTree(t, dir, files)
	return dir
}

func TestDataModels(t *testing.T) {
	dir := writeApp(t, map[string]string{
		"models.py": `from typing import Annotated, ClassVar, List
from pydantic import BaseModel, ConfigDict, Field, constr, validator, field_validator
from pydantic_settings import BaseSettings
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, declarative_base
from sqlmodel import SQLModel

class UserIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: Annotated[str, Field(max_length=50)]
    bio: str = Field("", max_length=500)
    nick: constr(max_length=20)
    tags: List[str] = []
    counter: ClassVar[int] = 0

class AdminIn(UserIn):
    is_admin: bool = False

class Legacy(BaseModel):
    email: str
    class Config:
        extra = "forbid"
        orm_mode = True
    @validator("email")
    def check(cls, v):
        return v

class Settings(BaseSettings):
    SECRET_KEY: str = "x"

class Base(DeclarativeBase):
    pass

class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column()

OldBase = declarative_base()

class Order(OldBase):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    note = Column(String(200))

class Hero(SQLModel, table=True):
    id: int
    secret_name: str

class HeroCreate(SQLModel):
    name: str
`,
	})
	m := loadModel(t, dir)
	byName := map[string]*DataModel{}
	for _, dm := range m.Models() {
		byName[dm.Class.Node.Name.Name] = dm
	}
	check := func(name string, pydantic, orm, settings, v1 bool, extra string, fields int) {
		t.Helper()
		dm := byName[name]
		if dm == nil {
			t.Errorf("%s: not a model", name)
			return
		}
		if dm.Pydantic != pydantic || dm.ORM != orm || dm.Settings != settings || dm.V1 != v1 || dm.Extra != extra || len(dm.Fields) != fields {
			t.Errorf("%s = pydantic %v orm %v settings %v v1 %v extra %q fields %d", name, dm.Pydantic, dm.ORM, dm.Settings, dm.V1, dm.Extra, len(dm.Fields))
		}
	}
	check("UserIn", true, false, false, false, "allow", 4)
	check("AdminIn", true, false, false, false, "allow", 1)
	check("Legacy", true, false, false, true, "forbid", 1)
	check("Settings", true, false, true, false, "", 1)
	check("Account", false, true, false, false, "", 2)
	check("Order", false, true, false, false, "", 2)
	check("Hero", true, true, false, false, "", 2)
	check("HeroCreate", true, false, false, false, "", 1)
	if byName["Base"] != nil {
		t.Error("the declarative base itself is not a mapped model")
	}
	u := byName["UserIn"]
	for _, f := range u.Fields {
		want := f.Name != "tags"
		if f.Constrained("max_length") != want {
			t.Errorf("UserIn.%s constrained = %v", f.Name, !want)
		}
	}
	if !byName["Legacy"].Fields[0].Validated {
		t.Error("validator not seen")
	}
}

func TestEnvironmentGating(t *testing.T) {
	dir := writeApp(t, map[string]string{
		"main.py": `import os
from fastapi import FastAPI
from pydantic_settings import BaseSettings

class Settings(BaseSettings):
    ENVIRONMENT: str = "local"
    DOCS_URL: str | None = "/docs"

settings = Settings()
docs = "/docs"
if settings.ENVIRONMENT == "production":
    docs = None

a = FastAPI(docs_url=None if settings.ENVIRONMENT == "production" else "/docs")
b = FastAPI(docs_url=settings.DOCS_URL)
c = FastAPI(docs_url=docs)
d = FastAPI(docs_url=os.getenv("DOCS_URL"))
e = FastAPI(docs_url="/docs")
f = FastAPI()
`,
	})
	m := loadModel(t, dir)
	want := map[string]bool{"a": true, "b": true, "c": true, "d": true, "e": false}
	for _, r := range m.Routers {
		name := r.Name[len("main."):]
		w, ok := want[name]
		if !ok {
			continue
		}
		if got := m.EnvironmentGated(r.Scope, r.Settings["docs_url"]); got != w {
			t.Errorf("%s: gated = %v, want %v", name, got, w)
		}
	}
	if m.EnvironmentGated(m.Routers[0].Scope, nil) {
		t.Error("nil is gated")
	}
}
