import strawberry
from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter
from strawberry.schema.config import StrawberryConfig


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str) -> str:
        return "hi " + name


schema = strawberry.Schema(query=Query, config=StrawberryConfig(batching_config={"enabled": True}))  # expect: FA509
router = GraphQLRouter(schema)  # expect: FA410, FA508

app = FastAPI()
app.include_router(router, prefix="/graphql")
