import graphene
from fastapi import FastAPI
from starlette_graphene3 import GraphQLApp, make_graphiql_handler


class Query(graphene.ObjectType):
    hello = graphene.String(name=graphene.String())

    def resolve_hello(root, info, name):
        return "hi " + name


gschema = graphene.Schema(query=Query)
gapp = FastAPI()
gapp.mount("/graphene", GraphQLApp(gschema, on_get=make_graphiql_handler()))  # expect: FA410, FA508
