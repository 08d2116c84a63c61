name, width, prec, value, items = "x", 10, 2, 3.14159, [1, 2]
a = f"hello {name}"
b = f"{name!r:>{width}}" f'{value:.{prec}f}' F"{{literal}} {name!s} {name!a}"
c = f"{value=}" f"{value = }" f"{value=!s}" f"{value=:>10}" f"{ value =  !r:^20}"
d = rf"\d{name}\n" fr'{name}\w' Rf"{{}}" fR"raw"
e = f"""multi
line {name
} and {
    value
}"""
f = f"{'nested' + name}" f'{"quotes"}' f"{items[0]}" f"{ {'a': 1}['a'] }"
g = f"{x!r}" if False else f"{(lambda y: y)(1)}"
h = f"{name:{'>' if True else '<'}{width}}" 'plain' f"end" + b''[:0].decode()
i = f"" f"{name}" "" f""
j = f"{3.14:=^20}" f"{x:=10}" f"{name!r:}" f"{name:}"
k = f'{a}{b}{c}' f"{yield_ if (yield_ := 1) else 2}"
l = f"\x41{name}\N{BULLET}\u00e9{{}}" f"\{name}"
m = f"{*items,}" f"{name, width}"
async def gen():
    n = f"{await x}" f"{[y async for y in z]}"
    o = f"{(yield)}"
