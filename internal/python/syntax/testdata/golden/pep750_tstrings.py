name = "world"
a = t"hello {name}"
b = t"{name!r:>10} and {name=}" t"more {name}"
c = rt"\d{name}"
