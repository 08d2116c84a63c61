match command.split():
    case [action]:
        pass
    case [action, obj]:
        pass
    case ["go", direction] | ["move", direction]:
        pass
    case Point(x=0, y=0):
        pass
    case Point(x, y=1) as p if p:
        pass
    case {"x": x, "y": y, **rest}:
        pass
    case {1: _, -2: _, 3.5: _, 1 + 2j: _, -1 - 2j: _, None: _, True: _, Color.RED: _}:
        pass
    case [1, *_] | (2, *rest) | [*_, 3] | ():
        pass
    case -1 | 0 | 1.5 | -2j | "s" "t" | b"b" | None | True | False:
        pass
    case Color.RED | mod.Color.GREEN:
        pass
    case (a, b) | [a, b]:
        pass
    case (x):
        pass
    case str() | bytes():
        pass
    case _:
        pass
match x, y:
    case 1, 2:
        pass
    case *a, b:
        pass
match (x):
    case {}:
        pass
match -x:
    case []:
        pass
match = 1
match.attr = 2
match(x)
match[0]
case = 3
_ = match, case
print(match)
match x:
    case a if a > 0: pass
    case b: pass
