def get_user(email):
    return None


def verify_password(plain, hashed):
    return False


def verify_token(token):
    return None
