package main

import (
	"fmt"
	"strings"
)

// serviceOverhead estimates the lines of a service's own files (config,
// deps, router, main...) for a number of domains, so that domains stop
// being added in time.
func serviceOverhead(domains int) int { return 450 + 12*domains }

// generate writes every service.
func (g *gen) generate() {
	g.plants = newPlantNext()
	n := (g.o.Lines + g.o.ServiceLines/2) / g.o.ServiceLines
	n = max(n, 1)
	var names []string
	for i := 0; i < n; i++ {
		name := serviceNames[i%len(serviceNames)]
		if i >= len(serviceNames) {
			name += "_" + regions[(i/len(serviceNames)-1)%len(regions)]
			if i >= len(serviceNames)*(len(regions)+1) {
				name += fmt.Sprint(i / (len(serviceNames) * (len(regions) + 1)))
			}
		}
		names = append(names, name)
	}
	for i, name := range names {
		s := &service{pkg: "app", dir: "app", title: "Backend", used: map[string]bool{}}
		if n > 1 {
			s.pkg, s.dir, s.title = name, "services/"+name+"/"+name, capital(human(name))
		}
		target := (g.o.Lines - g.lines) / (n - i)
		g.service(s, target)
		g.services++
	}
	if n == 1 {
		g.addFile("requirements.txt", requirements)
	}
}

// requirements are a service's pinned dependencies.
const requirements = `fastapi==0.115.12
uvicorn[standard]==0.34.2
pydantic==2.11.4
pydantic-settings==2.9.1
sqlalchemy==2.0.40
psycopg[binary]==3.2.9
pyjwt==2.10.1
passlib[bcrypt]==1.7.4
python-multipart==0.0.20
requests==2.32.3
httpx==0.28.1
pyyaml==6.0.2
`

// service writes one service of about target lines.
func (g *gen) service(s *service, target int) {
	start := g.lines
	g.usersDomain(s)
	for len(s.domains) < 2 || g.lines-start+serviceOverhead(len(s.domains)) < target {
		g.domain(s)
	}
	for _, pkg := range []string{"", "/api", "/api/v1", "/core"} {
		g.addPy(s.dir+pkg+"/__init__.py", "", nil, &writer{})
	}
	g.configFile(s)
	g.dbFile(s)
	g.securityFile(s)
	g.depsFile(s)
	g.apiRouterFile(s)
	g.mainFile(s)
	if s.pkg != "app" {
		g.addFile(strings.TrimSuffix(s.dir, "/"+s.pkg)+"/requirements.txt", requirements)
	}
}

// domain writes one domain package.
func (g *gen) domain(s *service) {
	var n noun
	for tries := 0; ; tries++ {
		n = pick(g, domainNouns)
		if tries > 20 {
			q := pick(g, qualifiers)
			n = noun{q + "_" + n.one, q + "_" + n.many}
		}
		if !s.used[n.many] {
			break
		}
	}
	s.used[n.many] = true
	d := &domain{svc: s, name: n.many, crud: map[*entity][]crudHelper{}}
	switch x := g.rng.Float64(); {
	case x < 0.55:
		d.auth = authPerRoute
	case x < 0.85:
		d.auth = authInclude
	default:
		d.auth = authRouter
	}
	d.admin = g.chance(0.3)
	d.public = g.chance(0.15)
	main := newEntity(d, nil, n, g)
	d.ents = append(d.ents, main)
	kids := []int{0, 1, 1, 2, 2, 3}[g.rng.IntN(6)]
	for _, i := range g.rng.Perm(len(childNouns))[:kids] {
		d.ents = append(d.ents, newEntity(d, main, childNouns[i], g))
	}
	s.domains = append(s.domains, d)
	g.domains++
	for _, e := range d.ents {
		g.routerFile(d, e)
	}
	if d.admin {
		g.adminFile(d)
	}
	if d.public {
		g.publicFile(d)
	}
	g.modelsFile(d)
	g.schemasFile(d)
	g.crudFile(d)
	g.serviceFile(d)
	g.domainInit(d)
}

// domainInit writes the domain package's __init__.py: the domain router,
// which includes the entity routers.
func (g *gen) domainInit(d *domain) {
	im := newImports(d.svc.pkg)
	im.From("fastapi", "APIRouter")
	w := &writer{}
	w.stmt("router = APIRouter()")
	for _, r := range d.routers {
		im.From(".", r.module)
		if r.prefix == "" {
			w.add("router.include_router("+r.module+".router)", nil)
		} else {
			w.add(fmt.Sprintf("router.include_router(%s.router, prefix=%q)", r.module, r.prefix), nil)
		}
	}
	g.addPy(d.svc.dir+"/api/v1/"+d.name+"/__init__.py", capital(human(d.name))+": routers, models, schemas, CRUD and business rules.", im, w)
}

// usersDomain writes the users package: the User model the
// authentication dependency loads, the login routes and the account routes.
func (g *gen) usersDomain(s *service) {
	r := strings.NewReplacer("$pkg", s.pkg)
	dir := s.dir + "/api/v1/users/"
	w := &writer{}
	w.add(r.Replace(usersModels), nil)
	g.addPy(dir+"models.py", "The user account.", nil, w)
	w = &writer{}
	w.add(r.Replace(usersSchemas), nil)
	g.addPy(dir+"schemas.py", "Schemas of users, tokens and passwords.", nil, w)
	w = &writer{}
	w.add(r.Replace(usersCrud), nil)
	g.addPy(dir+"crud.py", "Database access for users.", nil, w)
	w = &writer{}
	w.add(r.Replace(usersRoutes), nil)
	g.addPy(dir+"routes.py", "Accounts: the current user's profile, and user management for superusers.", nil, w)
	w = &writer{}
	w.add(r.Replace(loginRoutes), nil)
	g.addPy(dir+"login.py", "Login: OAuth2 password flow and password recovery.", nil, w)
	g.addPy(dir+"__init__.py", "Users and login.", nil, &writer{})
	g.routes += 10 // with main.py's health route
}

func (g *gen) configFile(s *service) {
	var b strings.Builder
	b.WriteString(strings.ReplaceAll(configHead, "$title", s.title))
	for _, d := range s.domains {
		up := strings.ToUpper(d.name)
		fmt.Fprintf(&b, "    %s_PAGE_SIZE: int = %d\n    %s_RETENTION_DAYS: int = %d\n", up, []int{25, 50, 100}[g.rng.IntN(3)], up, []int{90, 365, 730, 2555}[g.rng.IntN(4)])
	}
	b.WriteString(configTail)
	w := &writer{}
	w.add(strings.TrimSuffix(b.String(), "\n"), nil)
	g.addPy(s.dir+"/core/config.py", "Settings, read from the environment (and .env in development).", nil, w)
}

func (g *gen) dbFile(s *service) {
	w := &writer{}
	w.add(strings.ReplaceAll(dbModule, "$pkg", s.pkg), nil)
	g.addPy(s.dir+"/core/db.py", "The database engine, sessions and the declarative base.", nil, w)
}

func (g *gen) securityFile(s *service) {
	w := &writer{}
	w.add(strings.ReplaceAll(securityModule, "$pkg", s.pkg), nil)
	g.addPy(s.dir+"/core/security.py", "Password hashing and access tokens (JWT).", nil, w)
}

func (g *gen) depsFile(s *service) {
	w := &writer{}
	w.add(strings.ReplaceAll(depsModule, "$pkg", s.pkg), nil)
	g.addPy(s.dir+"/api/deps.py", "Dependencies of the routes: database session, current user, superuser.", nil, w)
}

// apiRouterFile writes api/v1/router.py, which includes every domain
// router with its prefix, tags and dependencies.
func (g *gen) apiRouterFile(s *service) {
	im := newImports(s.pkg)
	im.From("fastapi", "APIRouter", "Depends")
	im.From(s.pkg+".api.deps", "get_current_active_superuser", "get_current_user")
	im.From(s.pkg+".api.v1.users", "login", "routes as users")
	w := &writer{}
	w.stmt("api_router = APIRouter()")
	w.add("api_router.include_router(login.router, tags=[\"login\"])", nil)
	w.add("api_router.include_router(users.router, prefix=\"/users\", tags=[\"users\"])", nil)
	include := func(r routerRef) {
		args := []string{r.alias + ".router", fmt.Sprintf("prefix=%q", r.prefix), fmt.Sprintf("tags=[%q]", r.tag)}
		if r.deps != "" {
			args = append(args, r.deps)
		}
		line := "api_router.include_router(" + strings.Join(args, ", ") + ")"
		if len(line) <= 119 {
			w.add(line, nil)
			return
		}
		w.add("api_router.include_router(", nil)
		for _, a := range args {
			w.add("    "+a+",", nil)
		}
		w.add(")", nil)
	}
	for _, d := range s.domains {
		im.From(s.pkg+".api.v1", d.name)
		r := routerRef{alias: d.name, prefix: d.ents[0].path, tag: d.name}
		if d.auth == authInclude {
			r.deps = "dependencies=[Depends(get_current_user)]"
		}
		include(r)
	}
	for _, d := range s.domains {
		for _, r := range d.extra {
			im.From(s.pkg+".api.v1."+d.name, r.module+" as "+r.alias)
			include(r)
		}
	}
	g.addPy(s.dir+"/api/v1/router.py", "Version 1 of the API: every domain router, with its prefix and dependencies.", im, w)
}

func (g *gen) mainFile(s *service) {
	w := &writer{}
	w.add(strings.ReplaceAll(mainModule, "$pkg", s.pkg), nil)
	g.addPy(s.dir+"/main.py", s.title+" API: the FastAPI application.", nil, w)
}
