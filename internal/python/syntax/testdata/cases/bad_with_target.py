x = (a := 1 for a in b)
with a as f(): pass
