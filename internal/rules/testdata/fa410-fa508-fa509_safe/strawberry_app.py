import strawberry
from ariadne import QueryType, make_executable_schema
from ariadne.asgi import GraphQL
from ariadne.validation import cost_validator
from fastapi import FastAPI
from strawberry.extensions import DisableIntrospection, MaxTokensLimiter, QueryDepthLimiter
from strawberry.fastapi import GraphQLRouter
from strawberry.schema.config import StrawberryConfig

from .settings import settings


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str) -> str:
        return "hi " + name


schema = strawberry.Schema(
    query=Query,
    extensions=[QueryDepthLimiter(max_depth=8), MaxTokensLimiter(max_token_count=1000), DisableIntrospection()],
    config=StrawberryConfig(batching_config={"max_operations": 5}),
)
router = GraphQLRouter(schema)

app = FastAPI()
app.include_router(router, prefix="/graphql")

type_defs = "type Query { hello: String! }"
query = QueryType()
ariadne_schema = make_executable_schema(type_defs, query)
app.mount("/ariadne", GraphQL(ariadne_schema, introspection=settings.DEBUG, validation_rules=[cost_validator(maximum_cost=100)]))
