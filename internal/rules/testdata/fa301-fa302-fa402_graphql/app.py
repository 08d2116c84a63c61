from typing import Optional

import strawberry
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import OAuth2PasswordBearer
from strawberry.fastapi import GraphQLRouter
from strawberry.permission import BasePermission
from strawberry.types import Info

from .db import db

oauth2 = OAuth2PasswordBearer(tokenUrl="token")


def current_user(token: str = Depends(oauth2)):
    user = db.user_for(token)
    if user is None:
        raise HTTPException(status_code=401)
    return user


class IsAuthenticated(BasePermission):
    message = "not signed in"

    def has_permission(self, source, info: Info, **kwargs) -> bool:
        return info.context.user is not None


@strawberry.type
class User:
    id: int
    name: str
    password_hash: str


@strawberry.type
class PublicUser:
    id: int
    name: str


@strawberry.type
class Query:
    @strawberry.field
    def me(self, info: Info) -> Optional[PublicUser]:
        return None

    @strawberry.field  # expect: FA301, FA402
    def user(self, info: Info, user_id: int) -> Optional[User]:
        return db.get_user(user_id)

    @strawberry.field(permission_classes=[IsAuthenticated])
    def order(self, info: Info, order_id: int) -> Optional[PublicUser]:
        return db.get_order(order_id)  # expect: FA302

    @strawberry.field(permission_classes=[IsAuthenticated])
    def own_order(self, info: Info, order_id: int) -> Optional[PublicUser]:
        return db.get_order(order_id, owner=info.context.user.id)

    @strawberry.field
    def invoice(self, info: Info, invoice_id: int) -> Optional[PublicUser]:
        if info.context.user is None:
            raise PermissionError("sign in")
        if db.owner_of(invoice_id) != info.context.user.id:
            raise PermissionError("not yours")
        return db.get_invoice(invoice_id)


@strawberry.type
class Mutation:
    @strawberry.mutation  # expect: FA301
    def delete_user(self, info: Info, user_id: int) -> bool:
        db.delete_user(user_id)
        return True

    @strawberry.mutation
    def login(self, info: Info, name: str, password: str) -> bool:
        return db.check(name, password)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    def rename(self, info: Info, name: str) -> bool:
        db.rename(info.context.user, name)
        return True


schema = strawberry.Schema(query=Query, mutation=Mutation)
graphql_app = GraphQLRouter(schema)

app = FastAPI()
app.include_router(graphql_app, prefix="/graphql")


@app.get("/profile")
def profile(user=Depends(current_user)):
    return {"name": user.name}
