from ariadne import QueryType, make_executable_schema
from ariadne.asgi import GraphQL
from fastapi import FastAPI

type_defs = "type Query { hello(name: String!): String! }"
query = QueryType()


@query.field("hello")
def resolve_hello(_, info, name):
    return "hi " + name


schema = make_executable_schema(type_defs, query)
api = FastAPI()
api.mount("/ariadne", GraphQL(schema, introspection=True))
