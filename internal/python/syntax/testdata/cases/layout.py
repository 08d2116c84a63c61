# -*- coding: utf-8 -*-
x = 1 + \
    2
if x and \
   x:
    y = [
        1,  # comment inside brackets
        2,
    ]
	
def tabbed():
	if True:
		return 1
	return 2

class Indented:

    # comment at another indentation
        # and another
    def m(self):


        pass
    x = """
a string
  with lines""" ; z = 0
é = 1
ﬁ = 2
Ω = 3
