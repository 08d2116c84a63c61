"""Routes truth for mealie-recipes/mealie (mealie/).

usage: python3 truth.py /path/to/extracted/tree > routes.json

Assembly, read by hand:
  mealie/app.py:87   app = FastAPI(docs_url=settings.DOCS_URL, redoc_url=settings.REDOC_URL)
  mealie/app.py:135  def api_routers(): app.include_router(router)            (routes/__init__.py)
                                        app.include_router(media_router)      (routes/media/__init__.py)
                                        app.include_router(utility_routes.router)
                     if settings.PRODUCTION and not settings.TESTING: spa.mount_spa(app)
  mealie/app.py:144  api_routers() is called at import time.
  routes/__init__.py:20  router = APIRouter(prefix="/api"), includes 14 package routers (no
                         include prefix).
Each package router and each leaf router's constructor prefix is listed below with the
line it was read from. Class-based views: `@controller(router)` (routes/_base/controller.py:22)
re-registers the class's decorated methods on an intermediate router included back into
`router`, keeping router.prefix, so the effective prefix is the router's own prefix.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routescan  # noqa: E402

R = "mealie/routes/"
API = "/api"  # routes/__init__.py:20
CHAIN = {
    # app: routes/app/__init__.py:5 prefix /app; app_about.py:11 prefix /about
    (R + "app/app_about.py", "router"): API + "/app/about",
    # auth: routes/auth/__init__.py:5 prefix /auth; auth.py:22-23 no prefix
    (R + "auth/auth.py", "public_router"): API + "/auth",
    (R + "auth/auth.py", "user_router"): API + "/auth",
    # users: routes/users/__init__.py:8 APIRouter(); user_prefix="/users" on some includes
    (R + "users/registration.py", "router"): API + "/users" + "/register",   # incl prefix + registration.py:13
    (R + "users/crud.py", "user_router"): API + "/users",                    # crud.py:16
    (R + "users/crud.py", "admin_router"): API + "/users",                   # crud.py:17
    (R + "users/forgot_password.py", "router"): API + "/users" + "",         # forgot_password.py:10
    (R + "users/images.py", "router"): API + "/users" + "",                  # images.py:13
    (R + "users/api_tokens.py", "router"): API + "/users",                   # api_tokens.py:10 (no incl prefix)
    (R + "users/ratings.py", "router"): API + "/users",                      # ratings.py:14 UserAPIRouter(), incl prefix /users
    # households: routes/households/__init__.py:15 APIRouter(); leaf prefixes:
    (R + "households/controller_cookbooks.py", "router"): API + "/households/cookbooks",
    (R + "households/controller_group_notifications.py", "router"): API + "/households/events/notifications",
    (R + "households/controller_group_recipe_actions.py", "router"): API + "/households/recipe-actions",
    (R + "households/controller_household_self_service.py", "router"): API + "/households",
    (R + "households/controller_invitations.py", "router"): API + "/households/invitations",
    (R + "households/controller_shopping_lists.py", "router"): API + "/households/shopping/lists",
    (R + "households/controller_shopping_lists.py", "item_router"): API + "/households/shopping/items",
    (R + "households/controller_webhooks.py", "router"): API + "/households/webhooks",
    (R + "households/controller_mealplan_rules.py", "router"): API + "/households/mealplans/rules",
    (R + "households/controller_mealplan.py", "router"): API + "/households/mealplans",
    # groups: routes/groups/__init__.py:12 APIRouter(); leaf prefixes:
    (R + "groups/controller_group_households.py", "router"): API + "/groups/households",
    (R + "groups/controller_group_self_service.py", "router"): API + "/groups",
    (R + "groups/controller_migrations.py", "router"): API + "/groups/migrations",
    (R + "groups/controller_group_reports.py", "router"): API + "/groups/reports",
    (R + "groups/controller_labels.py", "router"): API + "/groups/labels",
    (R + "groups/controller_seeder.py", "router"): API + "/groups/seeders",
    # recipe: routes/recipe/__init__.py:7 APIRouter(); prefix="/recipes" on 4 includes
    (R + "recipe/recipe_crud_routes.py", "router_exports"): API + "/recipes",      # :126
    (R + "recipe/recipe_crud_routes.py", "router"): API + "/recipes",              # :179
    (R + "recipe/comments.py", "router"): API + "/recipes",                        # comments.py:5 UserAPIRouter()
    (R + "recipe/bulk_actions.py", "router"): API + "/recipes" + "/bulk-actions",  # bulk_actions.py:20
    (R + "recipe/shared_routes.py", "router"): API + "/recipes",                   # shared_routes.py:10
    (R + "recipe/timeline_events.py", "events_router"): API + "/recipes" + "/timeline/events",  # :25
    # organizers: routes/organizers/__init__.py:5 prefix /organizers
    (R + "organizers/controller_categories.py", "router"): API + "/organizers/categories",
    (R + "organizers/controller_tags.py", "router"): API + "/organizers/tags",
    (R + "organizers/controller_tools.py", "router"): API + "/organizers/tools",
    # shared: routes/shared/__init__.py:11 UserAPIRouter(prefix="/shared/recipes")
    (R + "shared/__init__.py", "router"): API + "/shared/recipes",
    # comments: routes/comments/__init__.py:19 prefix /comments
    (R + "comments/__init__.py", "router"): API + "/comments",
    # parser: routes/parser/__init__.py:5 APIRouter(); ingredient_parser.py:8 prefix /parser
    (R + "parser/ingredient_parser.py", "router"): API + "/parser",
    # unit_and_foods/__init__.py:5 APIRouter(); foods.py:21 /foods, units.py:21 /units
    (R + "unit_and_foods/foods.py", "router"): API + "/foods",
    (R + "unit_and_foods/units.py", "router"): API + "/units",
    # admin: routes/admin/__init__.py:14 AdminAPIRouter(prefix="/admin"); leaf prefixes:
    (R + "admin/admin_about.py", "router"): API + "/admin/about",
    (R + "admin/admin_management_users.py", "router"): API + "/admin/users",
    (R + "admin/admin_management_households.py", "router"): API + "/admin/households",
    (R + "admin/admin_management_groups.py", "router"): API + "/admin/groups",
    (R + "admin/admin_email.py", "router"): API + "/admin/email",
    (R + "admin/admin_backups.py", "router"): API + "/admin/backups",
    (R + "admin/admin_maintenance.py", "router"): API + "/admin/maintenance",
    (R + "admin/admin_debug.py", "router"): API + "/admin/debug",
    # validators: routes/validators/__init__.py:9 include prefix "/validators"; validators.py:11 none
    (R + "validators/validators.py", "router"): API + "/validators",
    # explore: routes/explore/__init__.py:11 prefix /explore/groups/{group_slug}; leaf prefixes:
    (R + "explore/controller_public_foods.py", "router"): API + "/explore/groups/{group_slug}/foods",
    (R + "explore/controller_public_households.py", "router"): API + "/explore/groups/{group_slug}/households",
    (R + "explore/controller_public_organizers.py", "categories_router"): API + "/explore/groups/{group_slug}/organizers/categories",
    (R + "explore/controller_public_organizers.py", "tags_router"): API + "/explore/groups/{group_slug}/organizers/tags",
    (R + "explore/controller_public_organizers.py", "tools_router"): API + "/explore/groups/{group_slug}/organizers/tools",
    (R + "explore/controller_public_cookbooks.py", "router"): API + "/explore/groups/{group_slug}/cookbooks",
    (R + "explore/controller_public_recipes.py", "router"): API + "/explore/groups/{group_slug}/recipes",
    # media: routes/media/__init__.py:8 media_router = APIRouter(prefix="/api/media")
    (R + "media/__init__.py", "media_router"): "/api/media",
    (R + "media/media_recipe.py", "router"): "/api/media/recipes",   # media_recipe.py:15
    (R + "media/media_user.py", "router"): "/api/media/users",       # media_user.py:12
    # utility_routes.py:9 prefix /api/utils
    (R + "utility_routes.py", "router"): "/api/utils",
    # spa/__init__.py:217-219 registered on the app itself by mount_spa(app)
    (R + "spa/__init__.py", "app"): "",
}
IGNORE = {
    ("mealie/services/parser_services/ingredient_parser.py", "__registrar"),  # dict.get(...)(...), not a route
}
SPA_COND = "only when settings.PRODUCTION and not settings.TESTING (app.py:140) and STATIC_FILES exists (spa/__init__.py:211)"


def main(root):
    found = routescan.scan(root, "mealie")
    routes = []
    for r in found:
        key = (r["file"], r["receiver"])
        if r["kind"] == "call:include_router" or key in IGNORE:
            continue
        if key not in CHAIN:
            raise SystemExit(f"unmapped registration {r}")
        rec = {"method": r["method"], "path": CHAIN[key] + r["path"], "file": r["file"],
               "line": r["line"], "app": "mealie.app:app"}
        if "spa/" in r["file"]:
            rec["condition"] = SPA_COND
        routes.append(rec)
    return routes


if __name__ == "__main__":
    routescan.dump(main(sys.argv[1]))
