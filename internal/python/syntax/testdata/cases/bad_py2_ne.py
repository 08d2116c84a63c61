if x <> y: pass
