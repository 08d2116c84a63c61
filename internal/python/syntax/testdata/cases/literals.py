# Numbers, strings and bytes in every spelling.
a = 1_000_000 + 0x_FF + 0o17 + 0b1010_1010 + 0
b = 3.14_15 + 10. + .5e-3 + 1E10 + 1_0e1_0 + 0.0
c = 1j + 2.5J + 1_0j + 1e3j + 0j
d = 'single' "double" '''triple
single''' """triple
double"""
e = r'\d+' R"\n"
e2 = rb'\x00' Rb"\\" bR'raw' BR"RAW" br'x' Br'y'
f = u'unicode' U"UNICODE"
g = b'\x00\xff\n\t\\\'' B"bytes" b'\101\7\777'
h = '\x41\u00e9\U0001F600\N{BULLET}\N{latin small letter a}\101\0\a\b\f\v\r'
i = 'unknown \q escape \d keeps backslash' '\
continued'
j = "é" 'ü' '漢字' "\ud83d\ude00" "\ud800"
k = ('implicit'
     'concatenation'
     "across lines")
l = ...
m = None, True, False
n = 99999999999999999999999999999999 + 1e400 + 1e-400
o = 1if a else 2
p = [0x1for x in (1,)]
