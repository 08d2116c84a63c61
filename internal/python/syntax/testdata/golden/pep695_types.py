type Point = tuple[float, float]
type ListOrSet[T] = list[T] | set[T]
type Nested[*Ts, **P] = Callable[P, tuple[*Ts]]
def first[T](items: list[T]) -> T:
    return items[0]
def bounded[T: (int, str), U: Base = Default](x: T) -> U: ...
class Box[T = int, *Ts = *tuple[int, ...], **P = [int, str]]:
    pass
async def co[T](x: T) -> T: ...
type = 1
type(x)
print(type.__name__)
