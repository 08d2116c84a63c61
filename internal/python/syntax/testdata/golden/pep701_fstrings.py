songs = ["a", "b"]
a = f"{", ".join(songs)}"
b = f"{f"{f"{1}"}"}"
c = f"{'\n'.join(songs)}"
d = f"{songs[0]:{"^"}10}"
e = f"""{
    songs  # a comment inside the field
}"""
f = f"{x!r:>{w}.{p}f} {y=}"
g = f"{"\N{BULLET}"}"
