"""FA302 and FA402 on nested Strawberry types: fields resolved by methods of
the types root fields return. Nested resolvers are not routes, but clients
reach them through the root field."""

from typing import List, Optional

import strawberry
from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter
from strawberry.permission import BasePermission
from strawberry.types import Info

from db import db


class IsAuthenticated(BasePermission):
    message = "not signed in"

    def has_permission(self, source, info: Info, **kwargs) -> bool:
        return info.context.user is not None


class IsOwner(BasePermission):
    message = "not yours"

    def has_permission(self, source, info: Info, **kwargs) -> bool:
        return db.owner_of(kwargs["invoice_id"]) == info.context.user.id


@strawberry.type
class Card:
    last4: str
    card_number: str


@strawberry.type
class Invoice:
    id: int
    total: int


@strawberry.type
class Account:
    id: int
    name: str
    # Not in the schema: server-side state (not a finding).
    password_hash: strawberry.Private[str]

    @strawberry.field
    def client_secrets(self) -> List[Invoice]:
        # An object field named like a secret: judged by Invoice's fields.
        return db.invoices(self.id)

    @strawberry.field
    def cards(self) -> List[Card]:
        return db.cards(self.id)

    @strawberry.field
    def invoice(self, info: Info, invoice_id: int) -> Optional[Invoice]:
        return db.get_invoice(invoice_id)  # expect: FA302

    # Safe look-alikes: filtered by the caller, scoped to the parent object,
    # guarded by a permission class of their own.
    @strawberry.field
    def own_invoice(self, info: Info, invoice_id: int) -> Optional[Invoice]:
        return db.get_invoice(invoice_id, owner=info.context.user.id)

    @strawberry.field
    def account_invoice(self, invoice_id: int) -> Optional[Invoice]:
        return db.get_invoice(invoice_id, account=self.id)

    @strawberry.field(permission_classes=[IsOwner])
    def checked_invoice(self, invoice_id: int) -> Optional[Invoice]:
        return db.get_invoice(invoice_id)


@strawberry.type
class Team:
    id: int
    name: str

    @strawberry.field
    def invoice(self, invoice_id: int) -> Optional[Invoice]:
        # Reached only through an unauthenticated root field (FA301's
        # concern, not BOLA).
        return db.get_invoice(invoice_id)


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[IsAuthenticated])  # expect: FA402
    def account(self, info: Info) -> Account:
        return db.account_of(info.context.user)

    @strawberry.field
    def team(self, info: Info) -> Team:
        return db.team()


schema = strawberry.Schema(query=Query)
app = FastAPI()
app.include_router(GraphQLRouter(schema), prefix="/graphql")
