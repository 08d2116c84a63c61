"""FA305 on GraphQL input types: privileged fields of Strawberry inputs and
Graphene InputObjectTypes that mutations copy or assign onto ORM rows."""

from typing import Optional

import graphene
import strawberry
from fastapi import FastAPI
from starlette_graphene3 import GraphQLApp
from strawberry.fastapi import GraphQLRouter
from strawberry.types import Info

from models import Project, User
from session import session


@strawberry.input
class SignUpInput:
    name: str
    is_admin: bool = False


@strawberry.input
class ProfileInput:
    name: Optional[str] = None
    role: Optional[str] = None


@strawberry.input
class ProjectInput:
    title: str
    owner_id: int


@strawberry.input
class RenameInput:
    name: str


@strawberry.input
class InviteInput:
    name: str
    role: str  # read for a check only, never stored


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


@strawberry.type
class Mutation:
    @strawberry.mutation
    def sign_up(self, info: Info, data: SignUpInput) -> bool:
        session.add(User(**strawberry.asdict(data)))  # expect: FA305
        return True

    @strawberry.mutation
    def update_profile(self, info: Info, user_id: int, data: ProfileInput) -> bool:
        user = session.get(User, user_id)
        user.name = data.name
        user.role = data.role  # expect: FA305
        return True

    @strawberry.mutation
    def create_project(self, info: Info, data: ProjectInput) -> bool:
        session.add(Project(title=data.title, owner_id=data.owner_id))  # expect: FA305
        return True

    @strawberry.mutation
    def copy_profile(self, info: Info, user_id: int, data: ProfileInput) -> bool:
        user = session.get(User, user_id)
        for key, value in vars(data).items():
            setattr(user, key, value)  # expect: FA305
        return True

    # Safe look-alikes: an input without privileged fields, splatted; a
    # privileged field read for a check and never stored; privileged fields
    # dropped before the copy.
    @strawberry.mutation
    def rename(self, info: Info, user_id: int, data: RenameInput) -> bool:
        user = session.get(User, user_id)
        for key, value in strawberry.asdict(data).items():
            setattr(user, key, value)
        return True

    @strawberry.mutation
    def invite(self, info: Info, data: InviteInput) -> bool:
        if data.role not in ("member", "viewer"):
            raise ValueError("role")
        session.add(User(name=data.name))
        return True

    @strawberry.mutation
    def sign_up_safely(self, info: Info, data: SignUpInput) -> bool:
        session.add(User(name=data.name, is_admin=False))
        return True


class GrapheneUserInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    is_admin = graphene.Boolean()


class GrapheneRenameInput(graphene.InputObjectType):
    name = graphene.String(required=True)


class CreateUser(graphene.Mutation):
    class Arguments:
        data = GrapheneUserInput(required=True)

    ok = graphene.Boolean()

    def mutate(root, info, data):
        session.add(User(**data))  # expect: FA305
        return CreateUser(ok=True)


class RenameUser(graphene.Mutation):
    class Arguments:
        data = GrapheneRenameInput(required=True)

    ok = graphene.Boolean()

    def mutate(root, info, data):
        session.add(User(**data))
        return RenameUser(ok=True)


class GrapheneMutation(graphene.ObjectType):
    create_user = CreateUser.Field()
    rename_user = RenameUser.Field()


class GrapheneQuery(graphene.ObjectType):
    hello = graphene.String()


schema = strawberry.Schema(query=Query, mutation=Mutation)
graphene_schema = graphene.Schema(query=GrapheneQuery, mutation=GrapheneMutation)

app = FastAPI()
app.include_router(GraphQLRouter(schema), prefix="/graphql")
app.mount("/graphene", GraphQLApp(schema=graphene_schema))
