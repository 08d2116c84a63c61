import strawberry
from fastapi import Depends, FastAPI, HTTPException
from strawberry.fastapi import GraphQLRouter
from strawberry.permission import BasePermission
from strawberry.types import Info


def get_user(token: str):
    if not token:
        raise HTTPException(status_code=401)
    return token


async def get_context(user=Depends(get_user)):
    return {"user": user}


class IsAdmin(BasePermission):
    def has_permission(self, source, info: Info, **kwargs) -> bool:
        return info.context.user.is_admin


class ItemMutations:
    @strawberry.mutation(permission_classes=[IsAdmin])
    def delete_item(self, info: Info, item_id: int) -> bool:
        return True


class UserMutations:
    @strawberry.mutation(name="renameUser")
    def rename(self, info: Info, user_id: int, name: str) -> bool:
        if info.context.user is None:
            raise PermissionError("sign in")
        return True


@strawberry.type
class Mutation(ItemMutations, UserMutations):
    pass


def all_items(root, info: Info, limit: int = 10) -> list[str]:
    return []


@strawberry.type
class Query:
    items: list[str] = strawberry.field(resolver=all_items)

    @strawberry.field
    def item_by_name(self, info: Info, name: str) -> str:
        return name


def make_schema():
    return strawberry.Schema(query=Query, mutation=Mutation)


def make_router(schema):
    router = GraphQLRouter(schema, path="/", context_getter=get_context)
    return router


app = FastAPI()
app.include_router(make_router(make_schema()), prefix="/gql")
