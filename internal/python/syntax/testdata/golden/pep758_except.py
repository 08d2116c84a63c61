try:
    pass
except ValueError, TypeError:
    pass
try:
    pass
except* OSError, KeyError:
    pass
try:
    pass
except (ValueError, TypeError) as e:
    pass
