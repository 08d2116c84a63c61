from fastapi import APIRouter

router = APIRouter()


@router.get("/users/me")
def me():
    return {}


def register(user: dict):
    return user


# The decorator called directly, its result kept.
register = router.post("/users")(register)
