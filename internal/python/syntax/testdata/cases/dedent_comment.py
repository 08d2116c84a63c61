if x:
    pass
  # dedented comment
