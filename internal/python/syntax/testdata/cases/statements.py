from __future__ import annotations
import os, sys as system, os.path as osp
from . import sibling
from .. import parent as p
from ...pkg.mod import (a, b as c,)
from .mod import *
global_var: int = 1
x: list[int]
(y): int = 2
obj.attr: str
obj[0]: int = 3
a = b = c = 1
a, *rest = [1, 2, 3]
[p, q], r = (1, 2), 3
a += 1; b -= 2; c *= 3; d /= 4; e //= 5; f %= 6; g **= 7
h @= i; j &= k; l |= m; n ^= o; p <<= 1; q >>= 2
del a, b[0], c.d, (e, f), [g]
assert x, "message"
assert (x, y)
raise
raise ValueError("x") from None
if x:
    pass
elif y:
    pass
else:
    pass
while x:
    break
else:
    continue_ = 1
for i, (j, k) in enumerate(pairs):
    continue
else:
    pass
for x, in pairs: pass
with open(f) as fh, lock:
    pass
with (open(a) as b, open(c) as d,):
    pass
with (yield_manager()):
    pass
with (a, b):
    pass
try:
    pass
except ValueError as e:
    pass
except (TypeError, KeyError):
    pass
except:
    pass
else:
    pass
finally:
    pass
try:
    pass
except* ValueError:
    pass
except* (TypeError, KeyError) as eg:
    pass
def f(a, b=1, /, c=2, *args, d, e=3, **kwargs) -> int:
    global g
    def inner():
        nonlocal a
    return a
def g(*, a): ...
def h(a, /): ...
def i(**kw,): ...
def j(*args: *Ts): ...
lambda: 0
lambda x, /, y=1, *a, z, **k: x
@decorator
@decorator.attr(arg)
@buttons[0].clicked.connect
@(lambda f: f)
@x if y else z
class C(Base, metaclass=Meta, **extra):
    """Docstring."""
    attr: int = 0
    def method(self): return self
async def co():
    await x
    async for a in b:
        pass
    async with c as d, e:
        pass
    return [i async for i in aiter() if await i]
def gen():
    x = yield
    y = yield 1, 2
    z = yield from other()
    yield
if (n := len(a)) > 10: pass
print(*args, sep='', **kw)
f(x for x in y)
f(a)(b)[c].d
x = a if b else c
x = not a and b or c
x = a < b <= c != d is not e not in f in g is h > i >= j == k
x = -a + +b - ~c * d / e // f % g @ h ** -i
x = a | b ^ c & d << e >> f
x = {**a, 'b': 1, **c}
x = {1, 2, *s}
x = {k: v for k, v in items if k for _ in range(2)}
x = {e for e in s}
x = [*a, *b]
x = (*a, *b)
x = a[1:2, ::3, ...]
x = a[b:c:d]
x = a[:]
x = a[1:2,]
x = a[(1, 2)]
x = a[b, *c]
x = ()
x = (1,)
x = 1,
x = ((a))
x = (yield)
x = [y for y in (z for z in w)]
if True: x = 1; y = 2;
class Empty: pass
